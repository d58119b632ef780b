import type { RunRecord } from '../study/record';
import type { RunPredictions } from '../study/predictions';
import { pairedDifference, summarizeSample, type PairedDifference } from '../study/statistics';
import { formatP, holm, pairedTests, type PairedTests } from './paired-tests';
import { macsOf, type PropertyCheck } from './reference-design';

/**
 * docs/results/README.md, written from a study's records (issue 31 item 3): Le & Hua's three
 * questions, each answered by a table of paired comparisons (seed-level differences, the paired
 * t test, Holm's adjustment across the whole table, McNemar per seed when predictions are
 * stored), the verdict of every row decided by the numbers, pooled counts over distinct runs,
 * and what a study at this scale can and cannot say. Nothing in it is typed by an author: a test
 * recomputes every figure from results.jsonl (reference-readme.test.ts).
 */

export interface ReferenceReadmeOptions {
  /** The study folder's name under docs/results (links to its files). */
  folder: string;
  /** The config the study ran, as the reader would type it. */
  config: string;
  criterion?: string;
  random?: string;
  reference?: string;
  /** Level of the Holm-adjusted test. */
  alpha?: number;
  /** A run's stored per-example predictions, for McNemar's test per seed. */
  predictions?: (runId: string) => RunPredictions | undefined;
  /** The design checks over the same records (reference-design.ts), listed as they came out. */
  design?: readonly PropertyCheck[];
}

export type Verdict = 'held' | 'not held' | 'not distinguishable from zero at this n' | 'same runs' | 'repeats a row above';

export interface ReadmeComparison {
  /** What is compared, as the table shows it. */
  a: { pruner: string; schedule: string };
  b: { pruner: string; schedule: string };
  budget: number;
  /** Seed-level differences a − b, points of test top-1. */
  difference: PairedDifference;
  tests: PairedTests;
  verdict: Verdict;
  /** For 'repeats a row above': that row's comparison (its two sides are the same runs, seed by seed). */
  repeats?: string;
}

const points = (r: RunRecord) => 100 * (r.metrics?.test?.top1 ?? NaN);
const isLabel = (pruner: string | undefined, id: string) => pruner !== undefined && (pruner === id || pruner.startsWith(`${id}/`));

interface Side {
  bySeed: Map<string, number>;
  runs: Map<string, string>;
  digests: Map<string, string>;
}

function side(records: readonly RunRecord[], pruner: string, schedule: string, budget: number): Side {
  const runs = records.filter((r) => r.kind === 'retrain' && r.status === 'finished' && isLabel(r.pruner, pruner) && r.schedule === schedule && r.budget === budget);
  return {
    bySeed: new Map(runs.map((r) => [String(r.seed), points(r)])),
    runs: new Map(runs.map((r) => [String(r.seed), r.id])),
    digests: new Map(runs.map((r) => [String(r.seed), `${r.pruner}|${r.scheduleDigest ?? r.id}`])),
  };
}

/** Both sides are, seed by seed, the same run (equal LR curves over the same pruned model). */
const sameRuns = (a: Side, b: Side) => a.digests.size > 0 && [...a.digests].every(([seed, d]) => b.digests.get(seed) === d);

function verdictOf(mean: number, holmP: number, alpha: number): Verdict {
  if (!(holmP < alpha)) return 'not distinguishable from zero at this n';
  return mean > 0 ? 'held' : 'not held';
}

/**
 * One question's table: every pair compared (a − b), tested, and Holm-adjusted across the table.
 * `held` is the sign of a − b the question predicts (a better than b).
 */
export function compareTable(
  records: readonly RunRecord[],
  pairs: ReadonlyArray<{ a: { pruner: string; schedule: string }; b: { pruner: string; schedule: string }; budget: number }>,
  options: Pick<ReferenceReadmeOptions, 'alpha' | 'predictions'> = {},
): ReadmeComparison[] {
  const alpha = options.alpha ?? 0.05;
  const test = (id: string) => options.predictions?.(id)?.get('test');
  // A comparison of the same run pairs as a row above (schedules with equal LR curves) is shown, but tested and counted once.
  const seen = new Map<string, string>();
  const untested: PairedTests = { mcnemar: [], t: NaN, permutation: NaN, p: NaN, holm: NaN };
  const rows = pairs.flatMap((pair): ReadmeComparison[] => {
    const a = side(records, pair.a.pruner, pair.a.schedule, pair.budget);
    const b = side(records, pair.b.pruner, pair.b.schedule, pair.budget);
    if (!a.bySeed.size || !b.bySeed.size) return [];
    const difference = pairedDifference(a.bySeed, b.bySeed);
    if (sameRuns(a, b)) return [{ ...pair, difference, tests: { ...untested }, verdict: 'same runs' }];
    const key = `${pair.budget}|${JSON.stringify([...a.digests].sort())}|${JSON.stringify([...b.digests].sort())}`;
    const earlier = seen.get(key);
    if (earlier) return [{ ...pair, difference, tests: { ...untested }, verdict: 'repeats a row above', repeats: earlier }];
    seen.set(key, `${label(pair.a)} − ${label(pair.b)}`);
    return [{ ...pair, difference, tests: pairedTests(difference, a.runs, b.runs, test), verdict: 'not distinguishable from zero at this n' }];
  });
  const adjusted = holm(rows.map((r) => r.tests.p));
  rows.forEach((r, i) => {
    r.tests.holm = adjusted[i];
    if (Number.isFinite(r.tests.p)) r.verdict = verdictOf(r.difference.mean, adjusted[i], alpha);
  });
  return rows;
}

/** Seed-level pairs of a table counted once each: a run pair that stands for several schedules counts once, identical runs not at all. */
export function pooledCounts(records: readonly RunRecord[], rows: readonly ReadmeComparison[]): { ahead: number; behind: number; tied: number; distinct: number } {
  const seen = new Set<string>();
  const counts = { ahead: 0, behind: 0, tied: 0, distinct: 0 };
  for (const row of rows) {
    if (row.verdict === 'same runs' || row.verdict === 'repeats a row above') continue;
    const a = side(records, row.a.pruner, row.a.schedule, row.budget);
    const b = side(records, row.b.pruner, row.b.schedule, row.budget);
    for (const seed of row.difference.units) {
      const key = `${row.budget}|${seed}|${a.digests.get(seed)}|${b.digests.get(seed)}`;
      if (seen.has(key) || a.digests.get(seed) === b.digests.get(seed)) continue;
      seen.add(key);
      const d = a.bySeed.get(seed)! - b.bySeed.get(seed)!;
      counts.distinct++;
      if (d > 0) counts.ahead++;
      else if (d < 0) counts.behind++;
      else counts.tied++;
    }
  }
  return counts;
}

/** "+1.23", "−0.40": signed points with a real minus sign. */
export const signed = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;
const ci = (d: PairedDifference) => (Number.isFinite(d.ci95) ? `[${signed(d.mean - d.ci95)}, ${signed(d.mean + d.ci95)}]` : '–');
const label = (s: { pruner: string; schedule: string }) => `${s.pruner} + ${s.schedule.toUpperCase()}`;

function mcnemarCell(tests: PairedTests, alpha: number): string {
  if (!tests.mcnemar.length) return '–';
  return `${tests.mcnemar.filter((m) => m.p < alpha).length} of ${tests.mcnemar.length}`;
}

function table(rows: readonly ReadmeComparison[], alpha: number): string[] {
  return [
    '| budget (epochs) | compared | mean diff. (points) | 95% CI | seeds a > b | p (paired t) | p (sign-flip) | p (Holm) | McNemar p < ' + alpha + ' | verdict |',
    '|---:|---|---:|---|---:|---:|---:|---:|---:|---|',
    ...rows.map((r) => {
      const d = r.difference;
      return `| ${r.budget} | ${label(r.a)} − ${label(r.b)} | ${signed(d.mean)} | ${ci(d)} | ${d.positive} of ${d.n} | ${formatP(r.tests.t)} | ${formatP(r.tests.permutation)} | ${formatP(r.tests.holm)} | ${mcnemarCell(r.tests, alpha)} | ${r.repeats ? `the same runs as ${r.repeats}` : r.verdict} |`;
    }),
  ];
}

/** The question's answer from its rows: how many comparisons held, were reversed, or could not be told from zero. */
export function questionVerdict(rows: readonly ReadmeComparison[]): { held: number; notHeld: number; undecided: number; same: number; answer: string } {
  const count = (v: Verdict) => rows.filter((r) => r.verdict === v).length;
  const held = count('held');
  const notHeld = count('not held');
  const undecided = count('not distinguishable from zero at this n');
  const same = count('same runs') + count('repeats a row above');
  const tested = held + notHeld + undecided;
  const answer =
    tested === 0 ? 'no comparison to test' : held && !notHeld ? (undecided ? 'held in part' : 'held') : notHeld && !held ? (undecided ? 'not held in part' : 'not held') : held && notHeld ? 'mixed' : 'not distinguishable from zero at this n';
  return { held, notHeld, undecided, same, answer };
}

function questionSection(title: string, claim: string, rows: readonly ReadmeComparison[], records: readonly RunRecord[], alpha: number): string[] {
  const v = questionVerdict(rows);
  const pooled = pooledCounts(records, rows);
  return [
    `## ${title}`,
    '',
    `${claim} **Answer at this n: ${v.answer}** — of ${rows.length - v.same} tested comparisons, ${v.held} held, ${v.notHeld} not held (reversed), ${v.undecided} not distinguishable from zero at this n (Holm-adjusted p ≥ ${alpha} across this table)${v.same ? `; ${v.same} compared a run with itself or repeated a row above (equal LR curves) and are not tested again` : ''}.`,
    `Pooled over distinct runs: a ahead of b in ${pooled.ahead} of ${pooled.distinct} seed-level pairs, behind in ${pooled.behind}, tied in ${pooled.tied}.`,
    '',
    ...table(rows, alpha),
    '',
  ];
}

/** Whether the budgets give every schedule its defined shape (SLR's warm-up is floor(0.1 E) epochs: empty below 10). */
function budgetsNote(records: readonly RunRecord[]): string {
  const budgets = records.filter((r) => r.kind === 'retrain' && r.budget !== undefined).map((r) => r.budget!);
  const least = Math.min(...budgets);
  return least >= 10 ? `under budgets of ${least} epochs and more, long enough for every schedule to have its defined shape` : `under budgets as short as ${least} epoch(s), too short for SLR's warm-up (floor(0.1 E) = 0): those rows speak to truncated schedules`;
}

/** What a study of this size can and cannot say, from the figures of its own records. */
function scaleSection(records: readonly RunRecord[]): string[] {
  const original = records.find((r) => r.kind === 'original' && r.status === 'finished');
  const sizes = original?.datasetSizes;
  const dataset = (original?.definition.dataset as { id?: string } | undefined)?.id ?? 'the dataset';
  const model = (original?.definition.model as { id?: string } | undefined)?.id ?? 'the model';
  const cost = original?.cost?.before;
  return [
    '## What this scale can and cannot say about CIFAR and ImageNet',
    '',
    `It can say whether the three orderings hold for ${model}${cost ? ` (${cost.params.toLocaleString('en')} params, ${macsOf(cost).toLocaleString('en')} MACs)` : ''} on ${dataset}` +
      `${sizes ? ` with ${sizes.train.toLocaleString('en')} training images, ${sizes.validation.toLocaleString('en')} validation images and ${sizes.test.toLocaleString('en')} test images` : ''}, ` +
      `${budgetsNote(records)}, and how large a difference the paired tests detect at this number of seeds and test examples.`,
    '',
    'It cannot say how large the effects are on CIFAR-10/100 or ImageNet: those networks are deeper (residual connections, many more channels), are trained for hundreds of epochs on ' +
      'augmented data, and their pruned-not-retrained accuracy and the room retraining has to recover differ. A gain that is not distinguishable from zero here is not evidence that it ' +
      'is zero there, and a gain that holds here is a direction to test at that scale (benchmarks/studies/cifar10-*.config.json), not a measurement of it.',
    '',
  ];
}

/** The recipe in words, from an original's definition: the data (and its augmentation) and the original's LR schedule. */
function recipeLines(records: readonly RunRecord[]): string[] {
  const original = records.find((r) => r.kind === 'original' && r.status === 'finished');
  if (!original) return [];
  const dataset = original.definition.dataset as { id?: string; options?: { augment?: boolean; padding?: number; flip?: boolean } } | undefined;
  const recipe = original.definition.original as { epochs?: number; lr?: number; milestones?: number[]; gamma?: number; batchSize?: number; momentum?: number; weightDecay?: number } | undefined;
  const sizes = original.datasetSizes;
  const augmentation = dataset?.options?.augment
    ? `augmented: zero-pad ${dataset.options.padding ?? 0} px, random crop${dataset.options.flip ? ', random left–right flip' : ''}`
    : 'not augmented';
  const lines: string[] = [];
  if (sizes) {
    lines.push(`Data: ${dataset?.id ?? 'the dataset'}, ${sizes.train.toLocaleString('en')} training images (${augmentation}), ${sizes.validation.toLocaleString('en')} validation images held out of the training set, ${sizes.test.toLocaleString('en')} test images.`);
  }
  if (recipe?.epochs !== undefined) {
    const drops = recipe.milestones?.length ? `, ×${recipe.gamma} at epochs ${recipe.milestones.join(', ')}` : '';
    lines.push(`Original: ${recipe.epochs} epochs, batch ${recipe.batchSize}, SGD momentum ${recipe.momentum}, weight decay ${recipe.weightDecay}, LR ${recipe.lr}${drops}; trained once per seed.`);
  }
  lines.push(...pruningLines(records));
  const timed = records.filter((r) => r.status === 'finished' && r.startedAt && r.finishedAt);
  if (timed.length) {
    const first = Math.min(...timed.map((r) => Date.parse(r.startedAt!)));
    const last = Math.max(...timed.map((r) => Date.parse(r.finishedAt!)));
    const minutes = Math.round((last - first) / 60000);
    const [day, from] = new Date(first).toISOString().slice(0, 16).split('T');
    const [endDay, to] = new Date(last).toISOString().slice(0, 16).split('T');
    lines.push(`Ran on ${day}, ${from} to ${endDay === day ? '' : `${endDay} `}${to} UTC (${Math.floor(minutes / 60)} h ${minutes % 60} min from the first run's start to the last run's end), backend ${original.versions.backend}.`);
  }
  return lines.flatMap((l) => [l, '']);
}

/** Per pruner: its plan as configured, and what its pruned networks kept (each distinct size, with its seeds). */
function pruningLines(records: readonly RunRecord[]): string[] {
  const prunes = records.filter((r) => r.kind === 'prune' && r.status === 'finished' && r.cost);
  const lines: string[] = [];
  for (const pruner of [...new Set(prunes.map((r) => r.pruner!))]) {
    const mine = prunes.filter((r) => r.pruner === pruner);
    const plan = (mine[0].definition.pruner as { options?: { plan?: unknown } } | undefined)?.options?.plan;
    const sizes = new Map<string, number[]>();
    for (const r of mine) {
      const { before, after } = r.cost!;
      const size = `${before.params.toLocaleString('en')} → ${after.params.toLocaleString('en')} params (${percentChange(before.params, after.params)}), ` +
        `${before.macs.toLocaleString('en')} → ${after.macs.toLocaleString('en')} MACs (${percentChange(before.macs, after.macs)})`;
      sizes.set(size, [...(sizes.get(size) ?? []), r.seed]);
    }
    const kept = [...sizes].map(([size, seeds]) => (sizes.size === 1 ? `${size} on every seed` : `${size} on seed${seeds.length > 1 ? 's' : ''} ${seeds.join(', ')}`));
    lines.push(`Pruning: ${pruner}${plan === undefined ? '' : `, plan \`${JSON.stringify(plan)}\``}: ${kept.join('; ')}.`);
  }
  return lines;
}

const percentChange = (before: number, after: number) => `${after >= before ? '+' : '−'}${(Math.abs(after - before) / before * 100).toFixed(1)} %`;

/** Mean ± sample std (n) of every retrained cell: pruner × budget rows, one column per schedule. */
function retrainedTable(records: readonly RunRecord[], pruners: readonly string[], budgets: readonly number[], schedules: readonly string[], meanStd: (s: { mean: number; std: number; n: number }) => string): string[] {
  const cell = (pruner: string, schedule: string, budget: number) =>
    meanStd(summarizeSample(records.filter((r) => r.kind === 'retrain' && r.status === 'finished' && r.pruner === pruner && r.schedule === schedule && r.budget === budget).map(points)));
  return [
    '| retrained: pruner | budget (epochs) | ' + schedules.map((s) => s.toUpperCase()).join(' | ') + ' |',
    '|---|---:|' + schedules.map(() => '---:').join('|') + '|',
    ...pruners.flatMap((p) => budgets.map((b) => `| ${p} | ${b} | ${schedules.map((s) => cell(p, s, b)).join(' | ')} |`)),
    '',
  ];
}

/** The README's markdown, from the study's records. */
export function referenceReadme(records: readonly RunRecord[], options: ReferenceReadmeOptions): string {
  const alpha = options.alpha ?? 0.05;
  const criterion = options.criterion ?? 'l1';
  const random = options.random ?? 'random';
  const reference = options.reference ?? 'ft';
  const retrains = records.filter((r) => r.kind === 'retrain' && r.status === 'finished');
  const budgets = [...new Set(retrains.map((r) => r.budget!))].sort((a, b) => a - b);
  const schedules = [...new Set(retrains.map((r) => r.schedule!))];
  const restarting = ['lrw', 'slr', 'clr'].filter((s) => schedules.includes(s));
  const allSchedules = [reference, ...restarting];
  const seeds = [...new Set(records.map((r) => r.seed))].sort((a, b) => a - b);
  const pruners = [...new Set(retrains.map((r) => r.pruner!))];
  const criterionLabel = pruners.find((p) => isLabel(p, criterion)) ?? criterion;
  const randomLabel = pruners.find((p) => isLabel(p, random)) ?? random;
  const tableOptions = { alpha, predictions: options.predictions };

  const q1 = compareTable(
    records,
    [criterionLabel, randomLabel].flatMap((pruner) => budgets.flatMap((budget) => restarting.map((s) => ({ a: { pruner, schedule: s }, b: { pruner, schedule: reference }, budget })))),
    tableOptions,
  );
  const q2 = compareTable(
    records,
    budgets.flatMap((budget) => restarting.map((s) => ({ a: { pruner: randomLabel, schedule: s }, b: { pruner: criterionLabel, schedule: reference }, budget }))),
    tableOptions,
  );
  const q3 = compareTable(
    records,
    budgets.flatMap((budget) => allSchedules.map((s) => ({ a: { pruner: criterionLabel, schedule: s }, b: { pruner: randomLabel, schedule: s }, budget }))),
    tableOptions,
  );

  const originals = records.filter((r) => r.kind === 'original' && r.status === 'finished').map(points);
  const original = summarizeSample(originals);
  const prunedOf = (pruner: string) => summarizeSample(records.filter((r) => r.kind === 'prune' && r.status === 'finished' && r.pruner === pruner).map(points));
  const scratchOf = (pruner: string) => summarizeSample(records.filter((r) => r.kind === 'scratch' && r.status === 'finished' && r.pruner === pruner && r.schedule === 'scratch-e').map(points));
  const meanStd = (s: { mean: number; std: number; n: number }) => (s.n === 0 ? 'no finished run' : `${s.mean.toFixed(2)} ± ${Number.isFinite(s.std) ? s.std.toFixed(2) : '–'} (n ${s.n})`);

  return [
    `# Reference study: ${options.folder}`,
    '',
    `Generated from \`${options.folder}/results.jsonl\` by \`node benchmarks/dist/reference-study.js readme\` (packages/harness/src/report/reference-readme.ts); ` +
      'do not edit by hand: every figure below is recomputed from that file by a test. The study asks Le & Hua\'s (ICLR 2021) three questions at a scale this machine can run.',
    '',
    '## What ran',
    '',
    '```',
    `prunebench run --config ${options.config}`,
    '```',
    `${seeds.length} seeds (${seeds.join(', ')}); budgets ${budgets.join(', ')} epochs; schedules ${allSchedules.join(', ')}; pruners ${criterionLabel} and ${randomLabel}.`,
    '',
    ...recipeLines(records),
    `Files: [results.jsonl](${options.folder}/results.jsonl) (every run's record), [summary.md](${options.folder}/summary.md) and [report.html](${options.folder}/report.html) (prunebench's own report, figures inline), ` +
      `[runs.csv](${options.folder}/runs.csv), the originals' per-epoch histories (\`${options.folder}/history/\`) and the retrainings' test predictions (\`${options.folder}/predictions/\`).`,
    '',
    '| | test top-1 %, mean ± sample std over seeds |',
    '|---|---:|',
    `| original | ${meanStd(original)} |`,
    ...[criterionLabel, randomLabel].flatMap((p) => [`| ${p} pruned, not retrained | ${meanStd(prunedOf(p))} |`, `| ${p} Scratch-E | ${meanStd(scratchOf(p))} |`]),
    '',
    ...retrainedTable(records, [criterionLabel, randomLabel], budgets, allSchedules, meanStd),
    `Each comparison below is a − b in points of test top-1, paired by seed: its mean, the 95% t interval of the mean, the paired t test and the exact sign-flip permutation test across seeds (smallest possible p with ${seeds.length} seeds: ${formatP(2 / 2 ** seeds.length)}), ` +
      `Holm's adjustment of the t test's p across each table, and McNemar's exact test on each seed's two runs where predictions were stored. A row is **held** when its Holm-adjusted p < ${alpha} and a − b > 0, ` +
      `**not held** when p < ${alpha} and a − b < 0, else **not distinguishable from zero at this n**.`,
    '',
    ...(options.design?.length
      ? ['## Design checks (report/reference-design.ts)', '', '| property | held | figures |', '|---|---|---|', ...options.design.map((c) => `| ${c.property} | ${c.held ? 'yes' : '**no**'} | ${c.detail.replace(/\|/g, '\\|')} |`), '']
      : []),
    ...questionSection('(1) At equal budget, do restarting schedules (LRW, SLR, CLR) beat FT?', 'a: a restarting schedule, b: FT, same pruner and budget.', q1, records, alpha),
    ...questionSection('(2) Does random pruning with a good schedule match l1 with FT?', `a: ${randomLabel} with a restarting schedule, b: ${criterionLabel} with FT, same budget. "Held" means random + the schedule is ahead; "not distinguishable" is consistent with matching but is not evidence of equality.`, q2, records, alpha),
    ...questionSection('(3) With identical retraining, does l1 beat random?', `a: ${criterionLabel}, b: ${randomLabel}, the same schedule and budget (the same pruned architecture).`, q3, records, alpha),
    ...scaleSection(records),
  ].join('\n');
}
