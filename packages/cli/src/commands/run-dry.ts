import * as path from 'node:path';
import { formatDuration, planStudy, workerScript, type StudyPlan, type StudySource } from '@prunebench/harness';
import { formatTable, printJson, type Io } from '../io';

const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * `prunebench run --dry-run`: the study's runs (kind, pruner, schedule, budget, seed, already
 * done or not) and the estimated wall time from the cost model, calibrated on the selected
 * backend. Trains nothing and writes nothing.
 */
export async function printDryRun(source: StudySource, io: Io, options: { json?: boolean }): Promise<StudyPlan> {
  const plan = await planStudy(source, { threadsAvailable: workerScript() !== null });
  if (options.json) {
    printJson(io, plan);
    return plan;
  }
  const left = plan.runs.filter((r) => !r.done);
  io.out(`Study: ${plan.runs.length} runs, ${plan.runs.length - left.length} already done, ${left.length} to run; results in ${path.relative(process.cwd(), plan.out) || '.'}\n`);
  io.out(`Backend: ${plan.backend}\n\n`);
  io.out(
    formatTable(
      ['#', 'kind', 'pruner', 'schedule', 'budget', 'seed', 'trains on', 'MACs/example', 'estimate', 'status'],
      plan.runs.map((run, i) => [
        String(i + 1),
        run.kind,
        run.pruner ?? '',
        run.schedule ?? '',
        run.budget === undefined ? '' : `${run.budget} ep`,
        String(run.seed),
        run.work.trainExamples ? thousands(run.work.trainExamples) : '–',
        thousands(run.work.macs),
        run.done ? '' : formatDuration(run.seconds),
        run.done ? 'done (kept)' : 'to run',
      ]),
      io.columns,
    ),
  );
  const { calibration } = plan;
  io.out('\nCost model: a run takes (its examples trained + forward-only examples × ' + calibration.speed.forwardFraction.toFixed(2) + ') × seconds per example at its MACs, measured here:\n');
  for (const m of calibration.measured) io.out(`  ${m.network}: ${thousands(m.macs)} MACs/example, ${m.examplesPerSecond.toFixed(0)} training examples/s\n`);
  if (calibration.unmeasured.length) io.out(`  (pruned size unknown before training, counted as unpruned: ${calibration.unmeasured.join(', ')})\n`);
  io.out(
    left.length
      ? `\nEstimated time: ${formatDuration(plan.wallSeconds)} on ${plan.runners} runner${plan.runners === 1 ? '' : 's'} (${formatDuration(plan.runSeconds)} of runs in all; starting and the report included). Nothing was trained or written (--dry-run).\n`
      : '\nEvery run is done: `prunebench run` would only rewrite the report. Nothing was written (--dry-run).\n',
  );
  return plan;
}
