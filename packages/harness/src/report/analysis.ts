import { componentLabel, type StudyDefinition } from '../study/definition';
import { randomCounterpart } from '../study/baselines';
import type { RunRecord } from '../study/record';
import { COMPRESSION_TOLERANCE, checkCompression, compressionClasses, prunedMacsByUnit, type CompressionCheck } from './compression-audit';
import { binomialStdError, pairedDifference, summarizeSample, type SampleSummary } from '../study/statistics';
import { holm, pairedTests } from './paired-tests';
import { MIN_SEEDS_FOR_BEST, markIdenticalRuns, pickBest, selectionSplit, type SelectionSplit } from './selection';
import type { RunPredictions } from '../study/predictions';
import { jobKinds } from '../study/kinds';
import type { BaselineResult, Cell, Comparison } from './analysis-types';
import { groupRuns, seedKey, testTop1 } from './run-groups';

export type { BaselineResult, Cell, Comparison } from './analysis-types';

/**
 * What a study's report says, computed from its run records (and its definition, when the
 * results folder has one): cells of pruner × schedule × budget with their statistics, paired
 * gains over the reference schedule and over random, the baselines, the noise floor and every
 * failure. Everything the report shows comes from here, so a test can recompute its claims.
 */
export interface PrunedBaseline {
  pruner: string;
  top1: SampleSummary;
  bySeed: Map<string, number>;
}

export interface PrunerCost {
  pruner: string;
  /** The pruner's extra passes (mean over seeds), in samples / steps. */
  extraForwardSamples: number;
  extraBackwardSamples: number;
  extraOptimizerSteps: number;
  /** Retraining between iterative steps (pre-retraining cost), optimizer steps and samples. */
  iterativeSteps: number;
  iterativeSamples: number;
  /** Measured figures another part of the harness may add to prune records, shown as found. */
  /** The harness's own metering of the prune (mean per seed); undefined for records without it. */
  measured?: { examplesServed: number; macs: number; optimizerSteps: number; cpuSeconds: number };
  /** Whether any prune's own charges differed from the measurement. */
  costMismatch: boolean;
}

export interface Failure {
  id: string;
  kind: string;
  label: string;
  status: 'failed' | 'diverged';
  error: string;
}

export interface Analysis {
  reference: string;
  budgets: number[];
  pruners: string[];
  schedules: string[];
  seeds: number[];
  original: { top1: SampleSummary; params: number; macs: number };
  cells: Cell[];
  gains: Comparison[];
  lifts: Comparison[];
  /** Pruners with no random counterpart in the study (so no lift is shown). */
  withoutRandom: string[];
  pruned: PrunedBaseline[];
  /** Baseline kinds' results (scratch-e, scratch-b, ...), per pruner: each kind's report section shows its own. */
  baselines: BaselineResult[];
  costs: PrunerCost[];
  /** The test set's size and the binomial standard error at the original's accuracy. */
  noise: { testExamples: number; stdError: number } | null;
  /** Notes about schedules at particular budgets (e.g. SLR with an empty warm-up). */
  scheduleNotes: string[];
  /** Distinct pruned FLOPs: a Pareto chart needs several. */
  distinctFlops: number;
  failures: Failure[];
  /** The equal-compression audit: pruners in groups of equal pruned MACs, and the comparisons refused. */
  compression: { tolerance: number; classes: string[][]; refused: CompressionCheck[] };
  /** How best cells were picked: on which split, and whether seeds were enough to give a ★ at all. */
  selection: { split: SelectionSplit; seeds: number; starred: boolean };
  /** Retraining runs, counted once where several schedules ran the same run. */
  retrainRuns: { distinct: number; total: number };
}

/** Pairing units sort by seed number (then prune seed), not as text. */
export const compareUnits = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });

const top1 = testTop1;
const mean = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN);
const unique = <T>(values: T[]) => [...new Set(values)];

/** SLR's warm-up is floor(warmupFraction × E) epochs: empty for E < 1 / warmupFraction. */
function slrNotes(study: StudyDefinition | undefined, budgets: number[]): string[] {
  if (!study) return [];
  return study.schedules.flatMap((ref) => {
    if (ref.id !== 'slr') return [];
    const fraction = typeof ref.options.warmupFraction === 'number' ? ref.options.warmupFraction : 0.1;
    const empty = budgets.filter((e) => Math.floor(fraction * e) === 0);
    return empty.length
      ? [`${componentLabel(ref)} at ${empty.join(', ')} epochs: its warm-up is empty (W = floor(${fraction} × E) = 0), so SLR runs without a warm-up at ${empty.length > 1 ? 'these budgets' : 'this budget'} (its reference warm-up needs E ≥ ${Math.ceil(1 / fraction)}).`]
      : [];
  });
}

export interface AnalysisOptions {
  /** Pruned models are compared when their MACs agree within this fraction of the original's (default 1%). */
  compressionTolerance?: number;
  /** A run's stored per-example predictions (study/predictions.ts), for McNemar's test. */
  predictions?: (runId: string) => RunPredictions | undefined;
}

export function analyzeStudy(records: readonly RunRecord[], study?: StudyDefinition, options: AnalysisOptions = {}): Analysis {
  const groups = groupRuns(records);
  // The runs the cells are made of (retraining): what selection and the seed count read.
  const retrains = groups.flatMap((g) => g.runs);
  const tolerance = options.compressionTolerance ?? COMPRESSION_TOLERANCE;
  const originalMacs = records.find((r) => r.kind === 'original' && r.status === 'finished' && r.cost)?.cost?.before.macs ?? NaN;
  const prunedMacs = prunedMacsByUnit(records, seedKey);
  const refused: CompressionCheck[] = [];
  const budgets = unique(groups.map((g) => g.budget)).sort((a, b) => a - b);
  const pruners = study ? study.pruners.map(componentLabel) : unique(groups.map((g) => g.pruner)).sort();
  const schedules = study ? study.schedules.map(componentLabel) : unique(groups.map((g) => g.schedule)).sort();
  const reference = study?.referenceSchedule ?? (schedules.includes('ft') ? 'ft' : schedules[0]);
  const classes = compressionClasses(pruners, prunedMacs, originalMacs, tolerance);
  const split = selectionSplit(retrains);
  const seedCount = unique(retrains.filter((r) => r.status === 'finished').map(seedKey)).length;
  const starred = seedCount >= MIN_SEEDS_FOR_BEST;
  const cellRuns = new Map<Cell, Map<string, RunRecord>>();

  const cells: Cell[] = [];
  for (const budget of budgets) {
    for (const pruner of pruners) {
      for (const schedule of schedules) {
        const group = groups.find((g) => g.budget === budget && g.pruner === pruner && g.schedule === schedule);
        if (!group) continue;
        const { finished } = group;
        const validation = finished.flatMap((r) => (typeof r.metrics?.validation?.top1 === 'number' ? [r.metrics.validation.top1] : []));
        cells.push({
          pruner,
          schedule,
          budget,
          top1: group.top1,
          bySeed: group.bySeed,
          ...(validation.length ? { validation: summarizeSample(validation) } : {}),
          runs: new Map(finished.map((r) => [seedKey(r), r.id])),
          diverged: group.diverged,
          failed: group.failed,
          macsAfter: mean(finished.flatMap((r) => (r.cost ? [r.cost.after.macs] : []))),
          paramsAfter: mean(finished.flatMap((r) => (r.cost ? [r.cost.after.nonZeroParams ?? r.cost.after.params] : []))),
          best: false,
        });
        cellRuns.set(cells[cells.length - 1], new Map(finished.map((r) => [seedKey(r), r])));
      }
    }
  }
  const retrainRuns = markIdenticalRuns(cells, (c) => cellRuns.get(c) ?? new Map());
  // The best cell among pruners of equal compression (a smaller model is not "worse" than a larger one), on validation when there is one.
  for (const budget of starred ? budgets : []) {
    for (const members of classes) {
      const best = pickBest(cells.filter((c) => c.budget === budget && members.includes(c.pruner)), split);
      if (best) best.best = true;
    }
  }
  const cell = (pruner: string, schedule: string, budget: number) => cells.find((c) => c.pruner === pruner && c.schedule === schedule && c.budget === budget);

  const gains: Comparison[] = [];
  for (const c of cells) {
    if (c.schedule === reference) continue;
    const ref = cell(c.pruner, reference, c.budget);
    const identical = (c.sameAs ?? c.schedule) === (ref?.sameAs ?? reference);
    if (ref) gains.push({ pruner: c.pruner, schedule: c.schedule, budget: c.budget, against: reference, difference: pairedDifference(c.bySeed, ref.bySeed), ...(identical ? { identical } : {}) });
  }

  const lifts: Comparison[] = [];
  const withoutRandom: string[] = [];
  if (study) {
    for (const entry of study.pruners) {
      const counterpart = randomCounterpart(entry, study.pruners);
      const label = componentLabel(entry);
      if (!counterpart) {
        if (entry.id !== 'random' && entry.id !== 'random-weights') withoutRandom.push(label);
        continue;
      }
      const randomLabel = componentLabel(counterpart);
      const check = checkCompression(prunedMacs, label, randomLabel, originalMacs, tolerance);
      if (check && !check.equal) {
        refused.push(check);
        continue;
      }
      for (const c of cells.filter((x) => x.pruner === label)) {
        const r = cell(randomLabel, c.schedule, c.budget);
        if (r) lifts.push({ pruner: label, schedule: c.schedule, budget: c.budget, against: randomLabel, difference: pairedDifference(c.bySeed, r.bySeed) });
      }
    }
  }

  const prunes = records.filter((r) => r.kind === 'prune');
  const pruned: PrunedBaseline[] = pruners.flatMap((pruner) => {
    const finished = prunes.filter((r) => r.pruner === pruner && r.status === 'finished' && top1(r) !== undefined);
    if (!finished.length) return [];
    const bySeed = new Map(finished.map((r) => [seedKey(r), top1(r)!]));
    return [{ pruner, top1: summarizeSample([...bySeed.values()]), bySeed }];
  });

  const largest = budgets[budgets.length - 1];
  const baselines: BaselineResult[] = [];
  for (const kind of jobKinds()) {
    const nameOf = kind.report?.baselineName;
    if (!nameOf) continue;
    const ofKind = records.filter((r) => r.kind === kind.name);
    for (const pruner of pruners) {
      for (const name of unique(ofKind.filter((r) => r.pruner === pruner).map(nameOf)).sort()) {
        const runs = ofKind.filter((r) => r.pruner === pruner && nameOf(r) === name && r.status === 'finished' && top1(r) !== undefined);
        const bySeed = new Map(runs.map((r) => [seedKey(r), top1(r)!]));
        const bestCell = pickBest(cells.filter((c) => c.pruner === pruner && c.budget === largest), split);
        baselines.push({
          kind: kind.name,
          pruner,
          name,
          top1: summarizeSample([...bySeed.values()]),
          bySeed,
          runs,
          ...(bestCell && runs.length
            ? { bestRetrainedMinus: { pruner, schedule: bestCell.schedule, budget: largest, against: name, difference: pairedDifference(bestCell.bySeed, bySeed) } }
            : {}),
        });
      }
    }
  }

  // Paired tests beside every gain, lift and baseline comparison; Holm over each table's comparisons.
  const cache = new Map<string, RunPredictions | undefined>();
  const testPredictions = (id: string) => {
    if (!cache.has(id)) cache.set(id, options.predictions?.(id));
    return cache.get(id)?.get('test');
  };
  const runsOf = (pruner: string, schedule: string, budget: number) => cell(pruner, schedule, budget)?.runs ?? new Map<string, string>();
  const test = (c: Comparison, against: ReadonlyMap<string, string>) => (c.tests = pairedTests(c.difference, runsOf(c.pruner, c.schedule, c.budget), against, testPredictions));
  for (const g of gains) if (!g.identical) test(g, runsOf(g.pruner, g.against, g.budget));
  for (const l of lifts) test(l, runsOf(l.against, l.schedule, l.budget));
  for (const b of baselines) if (b.bestRetrainedMinus) test(b.bestRetrainedMinus, new Map(b.runs.map((r) => [seedKey(r), r.id])));
  const tables = [
    ...budgets.flatMap((b) => [gains.filter((g) => g.budget === b), lifts.filter((l) => l.budget === b)]),
    ...unique(baselines.map((b) => b.kind)).map((kind) => baselines.flatMap((b) => (b.kind === kind && b.bestRetrainedMinus ? [b.bestRetrainedMinus] : []))),
  ];
  for (const table of tables) {
    const adjusted = holm(table.map((c) => c.tests?.p ?? NaN));
    table.forEach((c, i) => c.tests && (c.tests.holm = adjusted[i]));
  }

  const costs: PrunerCost[] = pruners.flatMap((pruner) => {
    const finished = prunes.filter((r) => r.pruner === pruner && r.status === 'finished');
    if (!finished.length) return [];
    const metered = finished.flatMap((r) => (r.measured ? [r.measured] : []));
    const measured = metered.length
      ? { examplesServed: mean(metered.map((m) => m.examplesServed)), macs: mean(metered.map((m) => m.macs)), optimizerSteps: mean(metered.map((m) => m.optimizerSteps)), cpuSeconds: mean(metered.map((m) => m.cpuSeconds ?? NaN)) }
      : undefined;
    return [{
      pruner,
      extraForwardSamples: mean(finished.map((r) => r.ledger?.extraForwardSamples ?? 0)),
      extraBackwardSamples: mean(finished.map((r) => r.ledger?.extraBackwardSamples ?? 0)),
      extraOptimizerSteps: mean(finished.map((r) => r.ledger?.extraOptimizerSteps ?? 0)),
      iterativeSteps: mean(finished.map((r) => r.iterative?.optimizerSteps ?? 0)),
      iterativeSamples: mean(finished.map((r) => r.iterative?.samples ?? 0)),
      ...(measured ? { measured } : {}),
      costMismatch: finished.some((r) => Boolean(r.costMismatch?.length)),
    }];
  });

  const originals = records.filter((r) => r.kind === 'original' && r.status === 'finished');
  const originalTop1 = summarizeSample(originals.map((r) => top1(r) ?? NaN));
  // Records before test sizes were recorded: the original's split sizes, else the dataset's testSize option.
  const testSizeOption = study?.dataset.options.testSize;
  const examples =
    records.map((r) => r.metrics?.test?.examples).find((n): n is number => typeof n === 'number' && n > 0) ??
    originals.map((r) => r.datasetSizes?.test).find((n): n is number => typeof n === 'number' && n > 0) ??
    (typeof testSizeOption === 'number' && testSizeOption > 0 ? testSizeOption : undefined);
  const failures: Failure[] = records
    .filter((r): r is RunRecord & { status: 'failed' | 'diverged' } => r.status === 'failed' || r.status === 'diverged')
    .map((r) => ({
      id: r.id,
      kind: r.kind,
      label: [r.pruner, r.schedule, r.budget !== undefined ? `${r.budget} ep` : undefined, `seed ${r.seed}`].filter(Boolean).join(' × '),
      status: r.status,
      error: r.error ?? '',
    }));

  return {
    reference,
    budgets,
    pruners,
    schedules,
    seeds: unique(records.map((r) => r.seed)).sort((a, b) => a - b),
    original: { top1: originalTop1, params: originals[0]?.cost?.before.params ?? NaN, macs: originals[0]?.cost?.before.macs ?? NaN },
    cells,
    gains,
    lifts,
    withoutRandom,
    pruned,
    baselines,
    costs,
    noise: examples && Number.isFinite(originalTop1.mean) ? { testExamples: examples, stdError: binomialStdError(originalTop1.mean, examples) } : null,
    scheduleNotes: slrNotes(study, budgets),
    distinctFlops: new Set(cells.filter((c) => Number.isFinite(c.macsAfter)).map((c) => Math.round(c.macsAfter))).size,
    failures,
    compression: { tolerance, classes, refused },
    selection: { split, seeds: seedCount, starred },
    retrainRuns,
  };
}
