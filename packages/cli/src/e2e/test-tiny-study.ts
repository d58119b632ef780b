import * as fs from 'node:fs';
import * as path from 'node:path';
import { main } from '../main';
import { collectingIo } from '../test-io';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type StudyRecord = Record<string, any>;

/**
 * Writes `config` as `root/prunebench.config.json` — on wasm, one worker, results in
 * `root/results` — runs `prunebench run` on it and returns the records of `results.jsonl`.
 * Throws with the command's stderr when it exits non-zero.
 */
export async function runTinyStudy(root: string, config: Record<string, unknown>): Promise<StudyRecord[]> {
  const out = path.join(root, 'results');
  const configFile = path.join(root, 'prunebench.config.json');
  fs.writeFileSync(configFile, JSON.stringify({ backend: 'wasm', workers: 1, ...config, out }));
  const io = collectingIo();
  const code = await main(['run', '--config', configFile], io);
  if (code !== 0) throw new Error(`run exited ${code}: ${io.stderr()}`);
  return fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as StudyRecord);
}
