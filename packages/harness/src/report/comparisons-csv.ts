import type { Analysis } from './analysis';
import type { Comparison } from './analysis-types';
import { csvTable } from './runs-csv';

/**
 * The report's comparisons as CSVs for pandas (one row each, differences in percentage points
 * `_pp`, p-values as fractions): gains.csv (each schedule over the reference), lifts.csv (each
 * criterion over its random counterpart), baselines.csv (the best retrained cell minus each
 * baseline, e.g. scratch-b), and mcnemar.csv (one row per comparison and seed: McNemar's test
 * between the two runs of that seed). docs/fairness.md, "Paired tests".
 */
const round = (value: number, decimals: number) => (Number.isFinite(value) ? Number(value.toFixed(decimals)) : NaN);
const pp = (fraction: number) => round(100 * fraction, 4);
const p = (value: number | undefined) => round(value ?? NaN, 6);

const COLUMNS = [
  'pruner', 'schedule', 'budget_epochs', 'against', 'n', 'diff_mean_pp', 'diff_std_pp', 'diff_ci_low_pp', 'diff_ci_high_pp',
  'seeds_up', 'seeds_down', 'seeds_equal', 'identical_runs', 'p', 'p_t', 'p_permutation', 'p_holm',
];

function row(c: Comparison, extra: unknown[] = []): unknown[] {
  const d = c.difference;
  const half = d.n >= 2 ? d.ci95 : NaN;
  return [
    c.pruner, c.schedule, c.budget, c.against, d.n, pp(d.mean), pp(d.std), pp(d.mean - half), pp(d.mean + half),
    d.positive, d.negative, d.ties, c.identical ? 1 : 0, p(c.tests?.p), p(c.tests?.t), p(c.tests?.permutation), p(c.tests?.holm), ...extra,
  ];
}

const KEEP = ['pruner', 'schedule', 'budget_epochs', 'against', 'n', 'diff_mean_pp', 'identical_runs'];

export function comparisonsCsvs(analysis: Analysis): Record<'gains.csv' | 'lifts.csv' | 'baselines.csv' | 'mcnemar.csv', string> {
  const baselines = analysis.baselines.flatMap((b) => (b.bestRetrainedMinus ? [{ b, c: b.bestRetrainedMinus }] : []));
  const all: Array<{ comparison: string; c: Comparison }> = [
    ...analysis.gains.map((c) => ({ comparison: 'gain', c })),
    ...analysis.lifts.map((c) => ({ comparison: 'lift', c })),
    ...baselines.map(({ b, c }) => ({ comparison: b.kind, c })),
  ];
  return {
    'gains.csv': csvTable(COLUMNS, analysis.gains.map((c) => row(c)), KEEP),
    'lifts.csv': csvTable(COLUMNS, analysis.lifts.map((c) => row(c)), KEEP),
    'baselines.csv': csvTable([...COLUMNS, 'baseline_kind'], baselines.map(({ b, c }) => row(c, [b.kind])), KEEP),
    'mcnemar.csv': csvTable(
      ['comparison', 'pruner', 'schedule', 'budget_epochs', 'against', 'seed', 'examples', 'only_first_right', 'only_second_right', 'p'],
      all.flatMap(({ comparison, c }) => (c.tests?.mcnemar ?? []).map((m) => [comparison, c.pruner, c.schedule, c.budget, c.against, m.unit, m.examples, m.b, m.c, p(m.p)])),
      ['comparison', 'pruner', 'schedule', 'budget_epochs', 'against', 'seed', 'examples', 'only_first_right', 'only_second_right', 'p'],
    ),
  };
}
