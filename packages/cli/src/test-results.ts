import * as fs from 'node:fs';
import * as path from 'node:path';

/** The run.json text of every finished run in a results folder, by run id (for tests). */
export function finishedRuns(out: string): Map<string, string> {
  const runs = new Map<string, string>();
  const dir = path.join(out, 'runs');
  if (!fs.existsSync(dir)) return runs;
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name, 'run.json');
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, 'utf8');
    if (JSON.parse(text).status === 'finished') runs.set(name, text);
  }
  return runs;
}
