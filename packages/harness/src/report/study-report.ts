import { describeRunCounts } from './run-counts';
import * as path from 'node:path';
import { componentLabel, type StudyDefinition } from '../study/definition';
import type { RunRecord } from '../study/record';
import { jobKinds } from '../study/kinds';
import { compareUnits, type Analysis, type Cell, type Comparison } from './analysis';
import { describeRefusal } from './compression-audit';
import type { Block } from './document';
import { count, formatComparison, formatDifference, formatSample, pct } from './format';
import { detectableDifference, formatP } from './paired-tests';
import { MIN_SEEDS_FOR_BEST } from './selection';
import { fmtSeconds } from '../study/summary';

/** Options that name files on the machine that ran the study: the report shows only their base name. */
const PATH_OPTIONS = new Set(['path', 'cacheDir', 'checkpoint']);

function describeOptions(options: Record<string, unknown>): string {
  const parts = Object.entries(options).map(([k, v]) => `${k}: ${PATH_OPTIONS.has(k) && typeof v === 'string' ? `…/${path.basename(v)}` : JSON.stringify(v)}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** The set-up section: what was run, on what, with which code; no machine paths. */
function setup(records: readonly RunRecord[], analysis: Analysis, study?: StudyDefinition): Block[] {
  const original = records.find((r) => r.kind === 'original' && r.datasetSizes);
  const sizes = original?.datasetSizes;
  const versions = records.find((r) => r.versions)?.versions;
  const finished = records.map((r) => r.finishedAt).filter(Boolean).sort();
  const backends = [...new Set(records.map((r) => r.versions?.backend).filter(Boolean))];
  const items: string[] = [];
  if (study) {
    items.push(`Dataset: \`${study.dataset.id}\`${describeOptions(study.dataset.options)}${sizes ? `: ${sizes.train} train, ${sizes.validation} validation, ${sizes.test} test examples` : ''}.`);
    items.push(`Model: \`${study.model.id}\`${describeOptions(study.model.options)}; ${count(analysis.original.params)} params, ${count(analysis.original.macs)} MACs (multiply-accumulates).`);
    const o = study.original;
    items.push(
      o.checkpoint
        ? `Original: a given checkpoint (…/${path.basename(o.checkpoint)}), evaluated as is.`
        : `Original recipe: ${o.epochs} epochs, batch ${o.batchSize}, LR ${o.lr} × ${o.gamma} at epochs [${o.milestones.join(', ')}]${o.warmupEpochs ? `, ${o.warmupEpochs} warm-up epochs` : ''}, SGD momentum ${o.momentum}${o.nesterov ? ' (Nesterov)' : ''}, weight decay ${o.weightDecay}.`,
    );
    items.push(`Pruners: ${study.pruners.map((p) => `\`${componentLabel(p)}\`${describeOptions(p.options)}`).join('; ')}.`);
    items.push(`Retraining schedules: ${study.schedules.map((s) => `\`${componentLabel(s)}\``).join(', ')}; gains are measured against \`${analysis.reference}\`.`);
    items.push(`Budgets: ${study.budgets.join(', ')} epochs. Seeds: ${study.seeds.join(', ')}.`);
    if (study.baselines?.length) items.push(`Baselines: ${study.baselines.join(', ')}.`);
  } else {
    items.push(`Pruners: ${analysis.pruners.join(', ')}. Schedules: ${analysis.schedules.join(', ')}. Budgets: ${analysis.budgets.join(', ')} epochs. Seeds: ${analysis.seeds.join(', ')}.`);
  }
  items.push(`Backend: ${backends.join(', ') || 'unknown'}; prunebench ${versions?.prunebench ?? '?'}, tfjs ${versions?.tfjs ?? '?'}.`);
  if (finished.length) items.push(`Date: ${finished[finished.length - 1].slice(0, 10)} (last run finished ${finished[finished.length - 1]}).`);
  return [{ kind: 'heading', level: 2, text: 'Set-up' }, { kind: 'list', items }];
}

function spreadNote(analysis: Analysis): string {
  const ns = analysis.cells.map((c) => c.top1.n);
  const most = ns.length ? Math.max(...ns) : 0;
  const spread =
    most >= 2
      ? 'Test top-1 accuracy (%): mean ± sample std [95% t confidence interval of the mean] over seeds; an interval reaching past 0 or 100 is clipped there and marked "(clipped)".'
      : `Test top-1 accuracy (%) of ${most === 1 ? 'a single seed' : 'no finished run'}: no spread can be shown (run at least two seeds for a std and a confidence interval).`;
  const { selection, retrainRuns } = analysis;
  const pick = !selection.starred
    ? `With ${selection.seeds} seed${selection.seeds === 1 ? '' : 's'} (fewer than ${MIN_SEEDS_FOR_BEST}), no interval excludes anything: no ★ is given and no cell is called the best.`
    : selection.split === 'validation'
      ? '★ marks the best cell of each table by its validation accuracy (mean over seeds); the table shows that cell\'s test accuracy.'
      : '★ marks the best cell of each table by its test accuracy: the study has no validation split, so the pick was made on test, which favours the cell it picks (give the dataset a `validationSize`).';
  const identical = retrainRuns.distinct < retrainRuns.total
    ? ` "= s" marks a schedule whose runs are those of schedule s (equal LR curves over the same pruned model): shown once, and counted once — ${retrainRuns.distinct} distinct of ${retrainRuns.total} retraining runs.`
    : '';
  return `${spread} ${pick}${identical}`;
}

function cellText(c: Cell | undefined): string {
  if (!c) return '';
  if (c.sameAs) return `= ${c.sameAs}`;
  const notes = [c.diverged ? `${c.diverged} diverged` : '', c.failed ? `${c.failed} failed` : ''].filter(Boolean).join(', ');
  const text = `${formatSample(c.top1)}${notes ? ` (${notes})` : ''}`;
  return c.best ? `**${text} ★**` : text;
}

/** Per budget: the pruner × schedule table (best cell marked) and the gains over the reference. */
function budgetTables(analysis: Analysis): Block[] {
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'Which schedule, at equal budget' }, { kind: 'paragraph', text: spreadNote(analysis) }];
  const classes = analysis.compression.classes.length > 1 ? analysis.compression.classes : [analysis.pruners];
  for (const budget of analysis.budgets) {
    const find = (p: string, s: string) => analysis.cells.find((c) => c.pruner === p && c.schedule === s && c.budget === budget);
    // Pruners of unequal compression are never side by side: one table per group of equal MACs.
    for (const members of classes) {
      const rows = analysis.pruners.filter((p) => members.includes(p) && analysis.schedules.some((s) => find(p, s)));
      if (!rows.length) continue;
      blocks.push({
        kind: 'table',
        caption: `${budget}-epoch retraining budget${classes.length > 1 ? `, ${compressionCaption(analysis, members)}` : ''}${analysis.selection.starred ? ` (★ = best of the table on ${analysis.selection.split})` : ''}.`,
        header: ['pruner', ...analysis.schedules],
        rows: rows.map((p) => [p, ...analysis.schedules.map((s) => cellText(find(p, s)))]),
      });
    }
    const others = analysis.schedules.filter((s) => s !== analysis.reference);
    const gainRows = analysis.pruners.flatMap((p) => {
      const gains = others.map((s) => analysis.gains.find((g) => g.pruner === p && g.schedule === s && g.budget === budget));
      return gains.some(Boolean) ? [[p, ...gains.map((g) => (g ? (g.identical ? `identical runs (= ${analysis.reference})` : formatComparison(g)) : ''))]] : [];
    });
    if (gainRows.length) {
      blocks.push({
        kind: 'table',
        caption: `Gain over \`${analysis.reference}\` at the ${budget}-epoch budget, paired by seed: mean difference in percentage points [95% CI], the seeds where its sign holds, and its p-value with Holm's adjustment over this table (see "Paired tests").`,
        header: ['pruner', ...others],
        rows: gainRows,
      });
    }
  }
  return blocks;
}

/** Under `total` accounting: the runs a pruner's own training left fewer than the minimum retraining steps. */
function shortRetraining(records: readonly RunRecord[]): Block[] {
  const short = records.filter((r) => r.kind === 'retrain' && r.budgetAccounting?.belowMinimum);
  if (!short.length) return [];
  const items = [...new Set(short.map((r) => `${r.pruner} at ${r.budget} epochs: ${r.budgetAccounting!.expectedSteps} retraining steps left of ${r.budgetAccounting!.expectedSteps + r.budgetAccounting!.deductedSteps} (minimum ${r.budgetAccounting!.minimumSteps})`))];
  return [
    { kind: 'paragraph', text: `**Short retraining** (budget accounting "total"): these pruners' own optimizer steps left them fewer retraining steps than the minimum (\`minRetrainingSteps\`, default one epoch); their rows compare methods that barely retrained:` },
    { kind: 'list', items },
  ];
}

/** "pruners of 1.23 M MACs (−51.2%)": the compression a table's pruners share. */
function compressionCaption(analysis: Analysis, members: string[]): string {
  const macs = analysis.cells.filter((c) => members.includes(c.pruner) && Number.isFinite(c.macsAfter)).map((c) => c.macsAfter);
  if (!macs.length) return `${members.join(', ')}: pruned MACs not recorded`;
  const value = macs.reduce((a, b) => a + b, 0) / macs.length;
  return `models of ${count(value)} MACs (−${(100 * (1 - value / analysis.original.macs)).toFixed(1)}%), equal within ${(100 * analysis.compression.tolerance).toFixed(0)}% of the original's`;
}

function liftSection(analysis: Analysis): Block[] {
  const blocks: Block[] = [{ kind: 'heading', level: 2, text: 'Lift over random' }];
  const refused: Block[] = analysis.compression.refused.length
    ? [{ kind: 'paragraph', text: 'Refused by the equal-compression audit (docs/fairness.md):' }, { kind: 'list', items: analysis.compression.refused.map((r) => describeRefusal(r, analysis.compression.tolerance)) }]
    : [];
  if (!analysis.lifts.length && refused.length) return [...blocks, ...refused];
  if (!analysis.lifts.length) {
    blocks.push({ kind: 'paragraph', text: 'No criterion has a random pruner under the same plan in this study: add `"baselines": ["random"]` to measure what choosing channels by the criterion is worth.' });
    return blocks;
  }
  blocks.push({
    kind: 'paragraph',
    text: 'Criterion minus the random pruner under the same plan (same original, schedule, budget and seed; pruned models of equal MACs, audited): mean difference in percentage points [95% CI], and the seeds where its sign holds.',
  });
  const pruners = [...new Set(analysis.lifts.map((l) => l.pruner))];
  for (const budget of analysis.budgets) {
    const rows = pruners.flatMap((p) => {
      const lifts = analysis.schedules.map((s) => analysis.lifts.find((l) => l.pruner === p && l.schedule === s && l.budget === budget));
      return lifts.some(Boolean) ? [[`${p} vs ${lifts.find(Boolean)!.against}`, ...lifts.map((l) => (l ? formatComparison(l) : ''))]] : [];
    });
    if (rows.length) blocks.push({ kind: 'table', caption: `${budget}-epoch budget.`, header: ['criterion', ...analysis.schedules], rows });
  }
  if (analysis.withoutRandom.length) blocks.push({ kind: 'paragraph', text: `No random counterpart for: ${analysis.withoutRandom.join(', ')}.` });
  return [...blocks, ...refused];
}

function baselineSections(analysis: Analysis, records: readonly RunRecord[], study?: StudyDefinition): Block[] {
  const blocks: Block[] = [];
  // Shown when the study asks for it (or when the folder has no definition to ask).
  const wantsPruned = !study || (study.baselines ?? []).includes('pruned');
  if (wantsPruned && analysis.pruned.length) {
    blocks.push({ kind: 'heading', level: 2, text: 'Pruned, not retrained' });
    blocks.push({
      kind: 'table',
      caption: 'Test top-1 (%) right after pruning, before any retraining (iterative pruners: after their last step).',
      header: ['pruner', 'top-1 (%)', 'per seed'],
      rows: analysis.pruned.map((p) => [p.pruner, formatSample(p.top1), [...p.bySeed].sort(([a], [b]) => compareUnits(a, b)).map(([k, v]) => `${k}: ${pct(v)}`).join(', ')]),
    });
  }
  const input = { records, study };
  for (const kind of jobKinds()) {
    const sections = kind.report?.sections;
    if (sections) blocks.push(...sections({ ...input, baselines: analysis.baselines.filter((b) => b.kind === kind.name) }));
  }
  return blocks;
}

function costSection(analysis: Analysis, records: readonly RunRecord[]): Block[] {
  if (!analysis.costs.length) return [];
  const retrainSamples = new Map<number, number>();
  for (const r of records) if (r.kind === 'retrain' && r.status === 'finished' && r.ledger && !retrainSamples.has(r.budget!)) retrainSamples.set(r.budget!, r.ledger.samples);
  const largest = analysis.budgets[analysis.budgets.length - 1];
  const measuredText = (c: Analysis['costs'][number]) =>
    c.measured
      ? `${count(c.measured.examplesServed)} examples, ${count(c.measured.macs)} MAC, ${count(c.measured.optimizerSteps)} optimizer steps${Number.isFinite(c.measured.cpuSeconds) ? `, ${fmtSeconds(c.measured.cpuSeconds)} s CPU` : ''}${c.costMismatch ? ' ⚠ differs from what the pruner charged' : ''}`
      : 'not recorded';
  return [
    { kind: 'heading', level: 2, text: 'What pruning cost' },
    {
      kind: 'table',
      caption: `Extra passes each pruner made (mean per seed, in samples), its iterative retraining (pre-retraining cost, in optimizer steps and samples), and the total training samples with the ${largest}-epoch retraining. "measured" is the harness's own metering while the pruner ran (examples its dataset view served, multiply-accumulates the tfjs engine executed, optimizer steps, and the CPU time of the thread that pruned, where work outside the engine shows; docs/fairness.md); the other columns are what the pruner charged itself.`,
      header: ['pruner', 'extra forward', 'extra backward', 'extra optimizer steps', 'iterative retraining', `total training samples (${largest} ep)`, 'measured'],
      rows: analysis.costs.map((c) => [
        c.pruner,
        count(c.extraForwardSamples),
        count(c.extraBackwardSamples),
        count(c.extraOptimizerSteps),
        c.iterativeSteps ? `${count(c.iterativeSteps)} steps, ${count(c.iterativeSamples)} samples` : 'none',
        count((retrainSamples.get(largest) ?? NaN) + c.iterativeSamples),
        measuredText(c),
      ]),
    },
  ];
}

/** Every comparison of the report with its tests: the per-seed McNemar tests and those across seeds. */
function pairedTestsSection(analysis: Analysis): Block[] {
  const rows = comparisons(analysis).map(({ what, c }) => [
    what,
    formatDifference(c.difference),
    formatP(c.tests!.t),
    formatP(c.tests!.permutation),
    formatP(c.tests!.holm),
    c.tests!.mcnemar.map((m) => `seed ${m.unit}: b ${m.b}, c ${m.c}, p ${formatP(m.p)}`).join('; ') || '–',
  ]);
  if (!rows.length) return [];
  return [
    { kind: 'heading', level: 2, text: 'Paired tests' },
    {
      kind: 'table',
      caption:
        'Each comparison on the same test set. Across seeds: the paired t test and the exact sign-flip permutation test of the seed-level differences (two-sided; the permutation test cannot go below 2 / 2^n with n seeds). ' +
        'Holm: the p-value the table uses (t from two seeds on, McNemar with one) adjusted over the comparisons of its table (the gains of one budget, the lifts of one budget, the comparisons with one baseline). ' +
        'McNemar: the exact test between the two runs of one seed, on the examples only one of them classifies correctly (b: only the first, c: only the second).',
      header: ['comparison', 'difference (pp)', 'p (t)', 'p (permutation)', 'Holm', 'McNemar per seed'],
      rows,
    },
  ];
}

function comparisons(analysis: Analysis): Array<{ what: string; c: Comparison }> {
  return [
    ...analysis.gains.map((c) => ({ what: `gain: ${c.pruner}, ${c.schedule} − ${c.against} @ ${c.budget} ep`, c })),
    ...analysis.lifts.map((c) => ({ what: `lift: ${c.pruner} − ${c.against}, ${c.schedule} @ ${c.budget} ep`, c })),
    ...analysis.baselines.flatMap((b) => (b.bestRetrainedMinus ? [{ what: `${b.kind}: ${b.pruner} ${b.bestRetrainedMinus.schedule} @ ${b.bestRetrainedMinus.budget} ep − ${b.name}`, c: b.bestRetrainedMinus }] : [])),
  ].filter((x) => x.c.tests);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function noiseSection(analysis: Analysis): Block[] {
  const items: string[] = [];
  const tested = comparisons(analysis).flatMap(({ c }) => c.tests!.mcnemar);
  if (tested.length) {
    const examples = tested[0].examples;
    const discordant = median(tested.map((m) => m.b + m.c));
    const detectable = detectableDifference(examples, discordant);
    items.push(
      `The test set has ${examples} examples. Two runs of one seed disagree on a median of ${discordant} of them (${((100 * discordant) / examples).toFixed(2)}%) in the comparisons of this report; ` +
        (Number.isFinite(detectable)
          ? `at that rate McNemar's exact test (5%, two-sided) detects a difference of ${(100 * detectable).toFixed(2)} pp or more between two runs of one seed, and no smaller one. `
          : `so few that McNemar's exact test (5%, two-sided) cannot detect any difference between two runs of one seed. `) +
        'Across seeds, the t and permutation p-values beside each comparison say what the seeds show.',
    );
  } else if (analysis.noise) {
    const se = analysis.noise.stdError;
    items.push(
      `The test set has ${analysis.noise.testExamples} examples: at the original's accuracy (${pct(analysis.original.top1.mean)}%) one accuracy's binomial standard error is ${(100 * se).toFixed(2)} pp. ` +
        'Two models evaluated on the same examples agree on most of them, so they are compared by a paired test on per-example predictions; these runs stored none (predictions.bin), so no such test is shown.',
    );
  }
  items.push(...analysis.scheduleNotes);
  return items.length ? [{ kind: 'heading', level: 2, text: 'What this test set can detect, and notes' }, { kind: 'list', items }] : [];
}

function failureSection(analysis: Analysis): Block[] {
  if (!analysis.failures.length) return []; // the opening paragraph says every run finished
  return [
    { kind: 'heading', level: 2, text: 'Failed or diverged runs' },
    {
      kind: 'table',
      header: ['run', 'what', 'status', 'error'],
      rows: analysis.failures.map((f) => [`\`${f.id}\``, `${f.kind}: ${f.label}`, f.status, f.error.split('\n')[0]]),
    },
  ];
}

export interface ReportFigure {
  file: string;
  svg: string;
  caption: string;
}

/** Every block of a study's report, in reading order. */
export function studyReportBlocks(options: {
  title: string;
  records: readonly RunRecord[];
  analysis: Analysis;
  study?: StudyDefinition;
  figures: ReportFigure[];
  /** Notes on figures left out (e.g. no Pareto chart with one pruning ratio). */
  figureNotes: string[];
  /** The table of every row (summary.ts), appended as is. */
  allRows: Block;
  /** How the study was measured (budget accounting, batching, identity, runs not part of it). */
  notes?: string[];
  /** How many runs the study has (study.json's jobs), when some may have no record yet. */
  studyRuns?: number;
}): Block[] {
  const { analysis, records, study } = options;
  return [
    { kind: 'heading', level: 1, text: options.title },
    {
      kind: 'paragraph',
      text: `Original (unpruned): test top-1 ${formatSample(analysis.original.top1)} % over ${analysis.original.top1.n} seed(s). Every retraining run of one budget took the same optimizer steps on the same samples (audited). ${describeRunCounts({ recorded: records.length, unfinished: analysis.failures.length, studyRuns: options.studyRuns })}`,
    },
    ...(options.notes?.length ? [{ kind: 'list', items: options.notes } as Block] : []),
    ...setup(records, analysis, study),
    ...budgetTables(analysis),
    ...shortRetraining(records),
    ...liftSection(analysis),
    ...baselineSections(analysis, records, study),
    ...costSection(analysis, records),
    ...pairedTestsSection(analysis),
    ...noiseSection(analysis),
    { kind: 'heading', level: 2, text: 'Figures' },
    ...options.figures.map((f): Block => ({ kind: 'figure', ...f })),
    ...(options.figureNotes.length ? [{ kind: 'list', items: options.figureNotes } as Block] : []),
    ...failureSection(analysis),
    { kind: 'heading', level: 2, text: 'Every row' },
    options.allRows,
  ];
}
