/**
 * The reference study's two checks after `prunebench run --config benchmarks/studies/fashion-mnist-reference.config.json`:
 *
 *   node benchmarks/dist/reference-study.js check  DIR            the design's properties over DIR/results.jsonl (exit 1 if one fails)
 *   node benchmarks/dist/reference-study.js readme DIR [--out F]  the generated README (docs/results), on stdout or into F
 *
 * DIR is a study's results folder (results.jsonl, runs/<id>/history.csv and predictions.bin) or
 * its published copy under docs/results (results.jsonl, history/<id>.csv, predictions/<id>.bin).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkReferenceDesign, readPredictions, referenceReadme, type RunRecord } from '@prunebench/harness';

const CONFIG = 'benchmarks/studies/fashion-mnist-reference.config.json';

function usage(message: string): never {
  process.stderr.write(`reference-study: ${message}\nusage: reference-study (check | readme) DIR [--out FILE]\n`);
  process.exit(2);
}

function readRecords(dir: string): RunRecord[] {
  const file = path.join(dir, 'results.jsonl');
  if (!fs.existsSync(file)) usage(`${file} does not exist: give the results folder of \`prunebench run\` (after its report) or its copy under docs/results`);
  return fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line) as RunRecord);
}

function firstExisting(...files: string[]): string | undefined {
  return files.find((f) => fs.existsSync(f));
}

function main(argv: string[]): void {
  const [command, dir, ...rest] = argv;
  if (!command || !dir) usage('a command and a folder are needed');
  const records = readRecords(dir);
  const history = (id: string) => {
    const file = firstExisting(path.join(dir, 'runs', id, 'history.csv'), path.join(dir, 'history', `${id}.csv`));
    return file ? fs.readFileSync(file, 'utf8') : undefined;
  };
  const design = checkReferenceDesign(records, history);
  if (command === 'check') {
    for (const c of design) process.stdout.write(`${c.held ? 'held    ' : 'NOT HELD'}  ${c.property}: ${c.detail}\n`);
    process.exitCode = design.every((c) => c.held) ? 0 : 1;
    return;
  }
  if (command !== 'readme') usage(`unknown command "${command}" (check, readme)`);
  const outAt = rest.indexOf('--out');
  const out = outAt >= 0 ? rest[outAt + 1] : undefined;
  if (outAt >= 0 && !out) usage('--out needs a file');
  const predictions = (id: string) => {
    const runDir = path.join(dir, 'runs', id);
    if (fs.existsSync(runDir)) return readPredictions(runDir);
    const published = path.join(dir, 'predictions', id);
    return fs.existsSync(published) ? readPredictions(published) : undefined;
  };
  const text = referenceReadme(records, { folder: path.basename(path.resolve(dir)), config: CONFIG, predictions, design });
  if (out) fs.writeFileSync(out, text);
  else process.stdout.write(text);
}

main(process.argv.slice(2));
