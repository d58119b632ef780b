// Where a study's worker seconds went (issue 31 item 2), from what the harness metered:
//
//   npx tsc -b benchmarks && node benchmarks/dist/workload-profile.js DIR [--pipeline-epochs N]
//
// DIR is a study's results folder (results.jsonl, or runs/*/run.json while it runs, and study.json). Per run kind it sums each run's
// wall time (startedAt → finishedAt) and splits it into the ledger's training and evaluation time;
// the rest is the run's set-up and tear-down (data and model loading, pruning, checkpoint and
// record I/O, the latency measurement). It then times the study's own data pipeline alone (the
// train split's batches, augmented as in training, for N epochs; default 1) so a training step's
// time splits into the data pipeline and the step proper; `kernel-profile.js --models
// vgg-small,vgg-small-pruned` splits the step into kernels and the engine's bookkeeping.
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { createComponent, type Dataset } from '@prunebench/core';
import { openStudyFromDefinition, type RunRecord, type StudyDefinition } from '@prunebench/harness';

interface KindTotals {
  runs: number;
  wallS: number;
  trainS: number;
  evaluateS: number;
  samples: number;
  steps: number;
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const seconds = (ms: number | undefined) => (ms ?? 0) / 1000;
const fmt = (s: number) => (s >= 3600 ? `${(s / 3600).toFixed(2)} h` : s >= 60 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(1)} s`);
const pct = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '–');

/** results.jsonl once the study has reported; while it runs, each finished run's runs/<id>/run.json. */
function readRecords(dir: string): RunRecord[] {
  const file = path.join(dir, 'results.jsonl');
  if (fs.existsSync(file) && fs.statSync(file).size > 0) return fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as RunRecord);
  const runs = path.join(dir, 'runs');
  if (!fs.existsSync(runs)) throw new Error(`${dir} has neither results.jsonl nor runs/: give the results folder of \`prunebench run\``);
  return fs.readdirSync(runs)
    .map((id) => path.join(runs, id, 'run.json'))
    .filter((f) => fs.existsSync(f))
    .map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as RunRecord);
}

async function main(): Promise<void> {
  const dir = process.argv[2];
  if (!dir || dir.startsWith('--')) throw new Error('usage: workload-profile DIR [--pipeline-epochs N] (DIR: a study\'s results folder)');
  const records = readRecords(dir);
  const finished = records.filter((r) => r.status === 'finished' && r.startedAt && r.finishedAt);
  const byKind = new Map<string, KindTotals>();
  for (const r of finished) {
    const t = byKind.get(r.kind) ?? { runs: 0, wallS: 0, trainS: 0, evaluateS: 0, samples: 0, steps: 0 };
    t.runs++;
    t.wallS += (Date.parse(r.finishedAt!) - Date.parse(r.startedAt!)) / 1000;
    t.trainS += seconds(r.ledger?.wallTimeMs?.train);
    t.evaluateS += seconds(r.ledger?.wallTimeMs?.evaluate);
    t.samples += r.ledger?.samples ?? 0;
    t.steps += r.ledger?.optimizerSteps ?? 0;
    byKind.set(r.kind, t);
  }
  const all = [...byKind.values()].reduce(
    (a, t) => ({ runs: a.runs + t.runs, wallS: a.wallS + t.wallS, trainS: a.trainS + t.trainS, evaluateS: a.evaluateS + t.evaluateS, samples: a.samples + t.samples, steps: a.steps + t.steps }),
    { runs: 0, wallS: 0, trainS: 0, evaluateS: 0, samples: 0, steps: 0 },
  );
  const starts = finished.map((r) => Date.parse(r.startedAt!));
  const ends = finished.map((r) => Date.parse(r.finishedAt!));
  const studyS = finished.length ? (Math.max(...ends) - Math.min(...starts)) / 1000 : 0;
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out(`${dir}: ${finished.length} finished runs of ${records.length}; first start to last finish ${fmt(studyS)}; runs' wall time ${fmt(all.wallS)} in all`);
  out(`(load average now ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  out();
  out('| kind | runs | wall | training | evaluation | set-up, I/O, latency | training examples/s | ms per step |');
  out('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const [kind, t] of [...byKind.entries(), ['all', all] as const]) {
    const other = t.wallS - t.trainS - t.evaluateS;
    out(
      `| ${kind} | ${t.runs} | ${fmt(t.wallS)} (${pct(t.wallS, all.wallS)}) | ${fmt(t.trainS)} (${pct(t.trainS, t.wallS)}) | ${fmt(t.evaluateS)} (${pct(t.evaluateS, t.wallS)}) | ` +
        `${fmt(other)} (${pct(other, t.wallS)}) | ${t.trainS > 0 ? (t.samples / t.trainS).toFixed(0) : '–'} | ${t.steps > 0 ? ((1000 * t.trainS) / t.steps).toFixed(0) : '–'} |`,
    );
  }

  // The data pipeline alone: the study's dataset, its train split's batches as training draws them.
  const studyFile = path.join(dir, 'study.json');
  if (!fs.existsSync(studyFile)) return;
  // The dataset comes from the study's plugins, as a worker makes it (any registered dataset), by
  // package name from this install: the paths the study ran from may be another checkout's copy,
  // whose plugins would register their layer rules a second time beside this one's.
  const study = JSON.parse(fs.readFileSync(studyFile, 'utf8')) as { study: StudyDefinition };
  const { id, options } = study.study.dataset;
  await tf.setBackend('wasm');
  const env = await openStudyFromDefinition({ ...study.study, plugins: study.study.plugins.map((p) => ({ ...p, resolvedPath: undefined })) });
  const dataset = createComponent<Dataset>(env.container, env.registry, 'dataset', id, options);
  await dataset.load();
  const epochs = Number(option('pipeline-epochs') ?? '1');
  const batchSize = study.study.original.batchSize;
  let batches = 0;
  const started = performance.now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    for await (const batch of dataset.batches('train', { batchSize, seed: 0, epoch, dropRemainder: true })) {
      batches++;
      tf.dispose([batch.x, batch.y]);
    }
  }
  const pipelineMs = (performance.now() - started) / batches;
  const stepMs = all.steps > 0 ? (1000 * all.trainS) / all.steps : NaN;
  out();
  out(`Data pipeline alone (${id}, ${JSON.stringify(options)}): ${pipelineMs.toFixed(1)} ms per batch of ${batchSize} over ${batches} batches` +
    (Number.isFinite(stepMs) ? `, ${pct(pipelineMs, stepMs)} of the study's mean training step (${stepMs.toFixed(0)} ms)` : ''));
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});
