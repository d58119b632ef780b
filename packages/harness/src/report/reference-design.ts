import type { RunRecord } from '../study/record';

/**
 * The properties a reference study must have before it can speak to Le & Hua's three questions
 * (issue 31, docs/results/README.md), checked over its run records: an original that is
 * accurate and trained to a plateau, a pruning that leaves the criterion something to show, a
 * random baseline of the same architecture, budgets long enough for every schedule's shape,
 * all four schedules and the baselines, enough seeds, and a validation split for selection.
 * Each check reads only what the records (and the original's history.csv) hold, so a study that
 * fails one says which and by how much.
 */

export interface ReferenceDesignOptions {
  /** Least test top-1 of every original, fraction (0.90). */
  originalTop1: number;
  /** Test examples the originals must be evaluated on (the full Fashion-MNIST test set: 10,000). */
  testExamples: number;
  /** Most gain, in points, within each of the original's last two LR phases (0.3). */
  plateauPoints: number;
  /** Least test top-1 of the criterion's pruned, not retrained model on every seed, fraction (0.40). */
  prunedTop1: number;
  /** The criterion and its random baseline, as the first part of their pruner labels. */
  criterion: string;
  random: string;
  minBudgetEpochs: number;
  minBudgets: number;
  minSeeds: number;
  schedules: readonly string[];
}

export const REFERENCE_DESIGN: ReferenceDesignOptions = {
  originalTop1: 0.9,
  testExamples: 10_000,
  plateauPoints: 0.3,
  prunedTop1: 0.4,
  criterion: 'l1',
  random: 'random',
  minBudgetEpochs: 10,
  minBudgets: 2,
  minSeeds: 4,
  schedules: ['ft', 'lrw', 'slr', 'clr'],
};

export type DesignProperty =
  | 'original-accuracy'
  | 'original-plateau'
  | 'pruned-above-chance'
  | 'random-same-architecture'
  | 'budgets'
  | 'schedules'
  | 'baselines'
  | 'seeds'
  | 'validation-selection';

export interface PropertyCheck {
  property: DesignProperty;
  held: boolean;
  /** The figures the verdict rests on, or what is missing. */
  detail: string;
}

/**
 * An original's history.csv by run id (undefined when absent). Its per-epoch accuracy series is
 * the validation split's top-1 after each epoch (`validationTop1`, inference mode) when the
 * history has it, else the training accuracy the trainer records (`accuracy`, training mode).
 */
export type HistoryReader = (runId: string) => string | undefined;

/** Per-epoch accuracies from a history.csv, in points, and the column they came from. */
export function epochAccuracies(csv: string): { column: string; points: number[] } {
  const [header, ...rows] = csv.trim().split('\n');
  const keys = header.split(',');
  const column = ['validationTop1', 'accuracy'].find((k) => keys.includes(k));
  if (!column) throw new Error(`history.csv has no accuracy column (columns: ${keys.join(', ')})`);
  const at = keys.indexOf(column);
  return { column, points: rows.map((row) => 100 * Number(row.split(',')[at])) };
}

/**
 * Gains, in points, within each LR phase of a step schedule (phases split at the milestones): the
 * rise of the least-squares line through the phase's per-epoch accuracies, from its first epoch
 * to its last (slope × (epochs − 1)). Gains *within* a phase, not across the LR drop: a plateau
 * means the epochs at one LR stopped helping before the next drop. The fitted line, not the last
 * epoch minus the first, because one epoch's validation accuracy moves by a few tenths of a point
 * around its trend (5,000 examples: ±0.3 points from one epoch to the next in the reference study),
 * as large as the 0.3-point threshold; with two epochs the two are the same.
 */
export function phaseGains(points: readonly number[], milestones: readonly number[]): number[] {
  const bounds = [0, ...milestones.filter((m) => m > 0 && m < points.length), points.length];
  const gains: number[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) gains.push(fittedRise(points.slice(bounds[i], bounds[i + 1])));
  return gains;
}

/** slope × (n − 1) of the least-squares line through (0, y0), (1, y1), ...; 0 for fewer than two points. */
function fittedRise(ys: readonly number[]): number {
  const n = ys.length;
  if (n < 2) return 0;
  const meanX = (n - 1) / 2;
  const meanY = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  ys.forEach((y, x) => {
    sxy += (x - meanX) * (y - meanY);
    sxx += (x - meanX) ** 2;
  });
  return (sxy / sxx) * (n - 1);
}

/** MACs of a cost figure; records of format 1 named them `flops`. */
export const macsOf = (c: { macs?: number; flops?: number }) => c.macs ?? c.flops ?? NaN;
const pct = (fraction: number) => (100 * fraction).toFixed(2);
const labelOf = (pruner: string | undefined, criterion: string) => pruner !== undefined && (pruner === criterion || pruner.startsWith(`${criterion}/`));
const finished = (records: readonly RunRecord[], kind: string) => records.filter((r) => r.kind === kind && r.status === 'finished');
const seedsOf = (records: readonly RunRecord[]) => [...new Set(records.map((r) => r.seed))].sort((a, b) => a - b);

function check(property: DesignProperty, problems: string[], ok: string): PropertyCheck {
  return { property, held: problems.length === 0, detail: problems.length ? problems.join('; ') : ok };
}

export function checkReferenceDesign(records: readonly RunRecord[], history: HistoryReader, options: ReferenceDesignOptions = REFERENCE_DESIGN): PropertyCheck[] {
  const originals = finished(records, 'original');
  const prunes = finished(records, 'prune');
  const retrains = finished(records, 'retrain');
  const scratch = finished(records, 'scratch');
  const unfinished = records.filter((r) => r.status !== 'finished');
  const seeds = seedsOf(records);
  const checks: PropertyCheck[] = [];

  {
    const problems: string[] = [];
    if (!originals.length) problems.push('no finished original');
    for (const r of originals) {
      const test = r.metrics?.test;
      if (!test) problems.push(`original of seed ${r.seed} has no test metrics`);
      else {
        if (test.top1 < options.originalTop1) problems.push(`original of seed ${r.seed}: ${pct(test.top1)} % < ${pct(options.originalTop1)} %`);
        if (test.examples !== options.testExamples) problems.push(`original of seed ${r.seed} evaluated on ${test.examples ?? 'an unrecorded number of'} test examples, not ${options.testExamples}`);
      }
    }
    checks.push(check('original-accuracy', problems, `${originals.length} originals, test top-1 ${originals.map((r) => pct(r.metrics!.test!.top1)).join(', ')} % on ${options.testExamples} examples`));
  }

  {
    const problems: string[] = [];
    const shown: string[] = [];
    const fallbacks: number[] = [];
    if (!originals.length) problems.push('no finished original');
    for (const r of originals) {
      const recipe = (r.definition.original ?? {}) as { milestones?: number[] };
      const csv = history(r.id);
      if (csv === undefined) {
        problems.push(`original of seed ${r.seed}: no history.csv`);
        continue;
      }
      const found = epochAccuracies(csv);
      // Originals evaluate the validation split after every epoch when the study holds one out
      // (validationTop1); older records, or a study without that split, only have the training
      // batches' accuracy in training mode, which keeps rising as a network memorises: named as such.
      const column = found.column === 'accuracy' ? 'training accuracy' : 'validation top-1';
      if (found.column === 'accuracy') fallbacks.push(r.seed);
      const points = found.points;
      const gains = phaseGains(points, recipe.milestones ?? []);
      if (gains.length < 2) {
        problems.push(`original of seed ${r.seed}: ${gains.length} LR phase(s), a plateau needs two to show`);
        continue;
      }
      const lastTwo = gains.slice(-2);
      shown.push(`seed ${r.seed}: ${lastTwo.map((g) => g.toFixed(2)).join(', ')} (${column})`);
      if (lastTwo.some((g) => g >= options.plateauPoints)) problems.push(`original of seed ${r.seed} still gains ${lastTwo.map((g) => g.toFixed(2)).join(' and ')} points of ${column} within its last two LR phases (plateau: < ${options.plateauPoints})`);
    }
    const note = fallbacks.length
      ? `; note: the history of seed(s) ${fallbacks.join(', ')} has no validationTop1 column (no validation split, or recorded before originals evaluated one each epoch), so training accuracy stands in for held-out accuracy`
      : '';
    const result = check('original-plateau', problems, `gains within the last two LR phases, points: ${shown.join('; ')}`);
    checks.push({ ...result, detail: result.detail + note });
  }

  const criterionPrunes = prunes.filter((r) => labelOf(r.pruner, options.criterion));
  const randomPrunes = prunes.filter((r) => labelOf(r.pruner, options.random));
  {
    const problems: string[] = [];
    if (!criterionPrunes.length) problems.push(`no finished ${options.criterion} prune`);
    for (const r of criterionPrunes) {
      const top1 = r.metrics?.test?.top1;
      if (top1 === undefined) problems.push(`${r.pruner} seed ${r.seed}: not evaluated after pruning`);
      else if (top1 < options.prunedTop1) problems.push(`${r.pruner} seed ${r.seed}: ${pct(top1)} % pruned, not retrained < ${pct(options.prunedTop1)} %`);
    }
    checks.push(check('pruned-above-chance', problems, `${options.criterion} pruned, not retrained: ${criterionPrunes.map((r) => pct(r.metrics!.test!.top1)).join(', ')} %`));
  }

  {
    const problems: string[] = [];
    if (!randomPrunes.length) problems.push(`no finished ${options.random} prune`);
    for (const r of criterionPrunes) {
      const twin = randomPrunes.find((x) => x.seed === r.seed);
      if (!twin) {
        if (randomPrunes.length) problems.push(`seed ${r.seed}: no ${options.random} prune`);
        continue;
      }
      const [a, b] = [r.cost?.after, twin.cost?.after];
      if (!a || !b) problems.push(`seed ${r.seed}: a prune record has no cost`);
      else if (a.params !== b.params || macsOf(a) !== macsOf(b)) problems.push(`seed ${r.seed}: ${r.pruner} keeps ${a.params} params / ${macsOf(a)} MACs, ${twin.pruner} ${b.params} / ${macsOf(b)}`);
    }
    const a = criterionPrunes[0]?.cost?.after;
    checks.push(check('random-same-architecture', problems, a ? `both pruned to ${a.params} params, ${macsOf(a)} MACs on every seed` : ''));
  }

  const budgets = [...new Set(retrains.map((r) => r.budget ?? NaN))].sort((x, y) => x - y);
  {
    const problems: string[] = [];
    if (budgets.length < options.minBudgets) problems.push(`${budgets.length} budget(s) (${budgets.join(', ')}), at least ${options.minBudgets} needed`);
    const short = budgets.filter((b) => !(b >= options.minBudgetEpochs));
    if (short.length) problems.push(`budget(s) ${short.join(', ')} epochs < ${options.minBudgetEpochs}`);
    checks.push(check('budgets', problems, `budgets ${budgets.join(', ')} epochs`));
  }

  {
    const problems: string[] = [];
    for (const pruner of [options.criterion, options.random]) {
      for (const budget of budgets) {
        const cell = retrains.filter((r) => labelOf(r.pruner, pruner) && r.budget === budget);
        for (const schedule of options.schedules) {
          const runs = cell.filter((r) => r.schedule === schedule);
          const missing = seeds.filter((s) => !runs.some((r) => r.seed === s));
          if (missing.length) problems.push(`${pruner} ${schedule} at ${budget} epochs: no finished run for seed(s) ${missing.join(', ')}`);
        }
        // Every schedule in its defined shape: no two of them the same LR curve (SLR's warm-up non-empty).
        const digests = new Map<string, string>();
        for (const schedule of options.schedules) {
          const digest = cell.find((r) => r.schedule === schedule)?.scheduleDigest;
          if (!digest) continue;
          const same = digests.get(digest);
          if (same) problems.push(`${pruner} at ${budget} epochs: ${schedule} runs the same LR curve as ${same}`);
          else digests.set(digest, schedule);
        }
      }
    }
    checks.push(check('schedules', problems, `${options.schedules.join(', ')} for ${options.criterion} and ${options.random} at every budget and seed, all distinct LR curves`));
  }

  {
    const problems: string[] = [];
    for (const pruner of [options.criterion, options.random]) {
      const scratchE = scratch.filter((r) => labelOf(r.pruner, pruner) && r.schedule === 'scratch-e');
      const missing = seeds.filter((s) => !scratchE.some((r) => r.seed === s));
      if (missing.length) problems.push(`${pruner}: no finished scratch-e for seed(s) ${missing.join(', ')}`);
      const evaluated = prunes.filter((r) => labelOf(r.pruner, pruner) && r.metrics?.test);
      const noPruned = seeds.filter((s) => !evaluated.some((r) => r.seed === s));
      if (noPruned.length) problems.push(`${pruner}: no pruned-not-retrained accuracy for seed(s) ${noPruned.join(', ')}`);
    }
    checks.push(check('baselines', problems, 'scratch-e and pruned-not-retrained for both pruners on every seed'));
  }

  {
    const problems: string[] = [];
    if (seeds.length < options.minSeeds) problems.push(`${seeds.length} seed(s) (${seeds.join(', ')}), at least ${options.minSeeds} needed`);
    if (unfinished.length) problems.push(`${unfinished.length} run(s) not finished: ${unfinished.slice(0, 5).map((r) => `${r.id} (${r.status})`).join(', ')}`);
    checks.push(check('seeds', problems, `${seeds.length} seeds (${seeds.join(', ')}), every run finished`));
  }

  {
    const problems: string[] = [];
    // Retraining records keep the validation split's accuracy (what ★ and best cells are picked on); only originals record dataset sizes.
    const validated = (r: RunRecord) => typeof r.metrics?.validation?.top1 === 'number' && (r.metrics.validation.examples ?? 0) > 0;
    const without = retrains.filter((r) => !validated(r));
    if (!retrains.length) problems.push('no finished retraining run');
    if (without.length) problems.push(`${without.length} of ${retrains.length} retraining runs have no validation accuracy to select on (e.g. ${without[0].id}): give the dataset a validationSize`);
    const examples = retrains[0]?.metrics?.validation?.examples;
    checks.push(check('validation-selection', problems, `every retraining run evaluated on a validation split of ${examples} examples`));
  }
  return checks;
}
