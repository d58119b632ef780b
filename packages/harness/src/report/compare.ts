import * as path from 'node:path';
import type { StudyDefinition } from '../study/definition';
import { pairedDifference, type SampleSummary } from '../study/statistics';
import { studyRuns } from '../study/study-folder';
import { analyzeStudy, type Analysis } from './analysis';
import { type Block, toHtml, toMarkdown } from './document';
import { pct } from './format';
import { pairedTTest } from './paired-tests';
import { welchTPValue } from './welch-test';
import { csvCell } from './runs-csv';

/**
 * `prunebench compare A B [...]`: studies side by side. Cells are matched on what makes them the
 * same experiment (dataset, model, pruner, schedule, budget); each later study is compared with
 * the first, by a paired t test over the seeds they share where both scored the same test set
 * (same dataset definition and data), else by Welch's t test; and the comparison says what
 * differs between the studies' definitions and identities (code, backend, data).
 */

export interface ComparedStudy {
  dir: string;
  label: string;
  runs: number;
  missing: number;
  seeds: number[];
  study: StudyDefinition;
  analysis: Analysis;
}

export interface CellDifference {
  /** The study compared with the first. */
  label: string;
  /** Its mean minus the first study's (fractions of top-1). */
  mean: number;
  test: 'paired t' | 'Welch t' | 'none';
  /** Pairs (seeds both have) for a paired test; else the two sample sizes added. */
  n: number;
  p?: number;
  /** Why the test is not paired, or not run. */
  note?: string;
}

export interface SharedCell {
  dataset: string;
  model: string;
  pruner: string;
  schedule: string;
  budget: number;
  /** Test top-1 of each study, in the order given. */
  top1: SampleSummary[];
  differences: CellDifference[];
}

/** One key of the definitions or identities whose value is not the same in every study. */
export interface Difference {
  key: string;
  values: string[];
}

export interface StudyComparison {
  studies: ComparedStudy[];
  shared: SharedCell[];
  /** Cells of each study that no other study has (count). */
  unmatched: number[];
  definition: Difference[];
  identity: Difference[];
}

const finite = (p: number) => (Number.isFinite(p) ? p : undefined);
const describe = (ref: { id: string; options?: Record<string, unknown> }) => (ref.options && Object.keys(ref.options).length ? `${ref.id} ${JSON.stringify(ref.options)}` : ref.id);

/** Flattens a value into `key.path` → JSON text. */
function flatten(value: unknown, prefix: string, out: Map<string, string>): Map<string, string> {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(prefix, JSON.stringify(value) ?? 'undefined');
  }
  return out;
}

/** The keys whose values differ between the flattened objects (absent: `–`). */
function differences(objects: unknown[]): Difference[] {
  const flat = objects.map((o) => flatten(o, '', new Map()));
  const keys = [...new Set(flat.flatMap((f) => [...f.keys()]))].sort();
  return keys.flatMap((key) => {
    const values = flat.map((f) => f.get(key) ?? '–');
    return new Set(values).size > 1 ? [{ key, values }] : [];
  });
}

/** What can change results in a definition: not where it writes, how many threads, or how plugins were found. */
function definitionPart(study: StudyDefinition): unknown {
  const { out: _out, workers: _workers, configFile: _config, plugins, environment: _environment, ...rest } = study as StudyDefinition & Record<string, unknown>;
  return { ...rest, plugins: Object.fromEntries(plugins.map((p) => [p.name, p.version ?? '?'])) };
}

/** The identity: code digests and versions, tfjs, the backend, the data and checkpoint. */
function identityPart(study: StudyDefinition): unknown {
  const env = study.environment;
  if (!env) return { identity: 'not recorded' };
  return {
    prunebench: Object.fromEntries(env.prunebench.map((c) => [c.package, `${c.version} ${c.digest.slice(0, 12)}`])),
    tfjs: env.tfjs,
    backend: env.backendUsed,
    backendInIdentity: env.backend !== null,
    data: env.data,
    checkpoint: env.checkpoint?.digest ?? null,
    plugins: Object.fromEntries(Object.entries(env.plugins).map(([name, c]) => [name, `${c.version} ${c.digest.slice(0, 12)}`])),
  };
}

/** Whether two studies scored the same test set: same dataset definition and the same data. */
function sameTestSet(a: StudyDefinition, b: StudyDefinition): boolean {
  return JSON.stringify([a.dataset, a.environment?.data ?? null]) === JSON.stringify([b.dataset, b.environment?.data ?? null]);
}

/** Reads each results folder (its study.json and the runs it pins) and compares them. */
export function compareStudies(dirs: readonly string[]): StudyComparison {
  const labels = uniqueLabels(dirs);
  const studies: ComparedStudy[] = dirs.map((dir, i) => {
    const runs = studyRuns(dir);
    const study = runs.study.study;
    return { dir, label: labels[i], runs: runs.own.length, missing: runs.missing.length, seeds: study.seeds, study, analysis: analyzeStudy(runs.own, study) };
  });
  const keyOf = (s: ComparedStudy, c: { pruner: string; schedule: string; budget: number }) => JSON.stringify([describe(s.study.dataset), describe(s.study.model), c.pruner, c.schedule, c.budget]);
  const cellMaps = studies.map((s) => new Map(s.analysis.cells.filter((c) => c.top1.n > 0).map((c) => [keyOf(s, c), c])));
  const sharedKeys = [...cellMaps[0].keys()].filter((key) => cellMaps.every((m) => m.has(key)));
  const [first, ...rest] = studies;
  const shared: SharedCell[] = sharedKeys.map((key) => {
    const cells = cellMaps.map((m) => m.get(key)!);
    const base = cells[0];
    // Matched on the whole definition; shown by id (the options are the same, or the cell would not be shared).
    const [dataset, model] = [first.study.dataset.id, first.study.model.id];
    const differences = rest.map((s, k): CellDifference => {
      const cell = cells[k + 1];
      const mean = cell.top1.mean - base.top1.mean;
      if (sameTestSet(first.study, s.study)) {
        const paired = pairedDifference(cell.bySeed, base.bySeed);
        if (paired.n >= 2) return { label: s.label, mean: paired.mean, test: 'paired t', n: paired.n, p: finite(pairedTTest(paired.values)) };
        if (paired.n === 1) return { label: s.label, mean, test: 'none', n: 1, note: 'one shared seed: no test' };
      }
      const p = welchTPValue(base.top1, cell.top1);
      const note = sameTestSet(first.study, s.study) ? 'no shared seeds: unpaired' : 'different test sets: unpaired';
      return p === undefined ? { label: s.label, mean, test: 'none', n: base.top1.n + cell.top1.n, note: `${note}, too few seeds to test` } : { label: s.label, mean, test: 'Welch t', n: base.top1.n + cell.top1.n, p, note };
    });
    return { dataset, model, pruner: base.pruner, schedule: base.schedule, budget: base.budget, top1: cells.map((c) => c.top1), differences };
  });
  return {
    studies,
    shared,
    unmatched: cellMaps.map((m) => [...m.keys()].filter((key) => !sharedKeys.includes(key)).length),
    definition: differences(studies.map((s) => definitionPart(s.study))),
    identity: differences(studies.map((s) => identityPart(s.study))),
  };
}

/** Folder names, made unique with their parents where two are alike. */
function uniqueLabels(dirs: readonly string[]): string[] {
  const names = dirs.map((d) => path.basename(path.resolve(d)));
  return names.map((name, i) => (names.filter((n) => n === name).length > 1 ? path.relative(process.cwd(), path.resolve(dirs[i])) || name : name));
}

const points = (d: number) => `${d >= 0 ? '+' : '−'}${Math.abs(100 * d).toFixed(2)}`;
const formatP = (p: number | undefined) => (p === undefined ? '–' : p < 0.001 ? '< 0.001' : p.toFixed(3));
const sample = (s: SampleSummary) => (s.n >= 2 ? `${pct(s.mean)} ± ${pct(s.std)} (n=${s.n})` : `${pct(s.mean)} (n=${s.n})`);

export function comparisonBlocks(c: StudyComparison): Block[] {
  const [first] = c.studies;
  const blocks: Block[] = [
    { kind: 'heading', level: 1, text: `Comparison: ${c.studies.map((s) => s.label).join(' vs ')}` },
    {
      kind: 'table',
      caption: 'The studies compared (each later one against the first).',
      header: ['study', 'folder', 'runs', 'without a result', 'seeds', 'cells only here'],
      rows: c.studies.map((s, i) => [s.label, s.dir, String(s.runs), String(s.missing), s.seeds.join(', '), String(c.unmatched[i])]),
    },
  ];
  if (c.shared.length) {
    blocks.push({
      kind: 'table',
      caption: `Cells the studies share (same dataset, model, pruner, schedule, budget): test top-1 %, and each study minus \`${first.label}\` in percentage points with its test (paired t over shared seeds on the same test set, else Welch t).`,
      header: ['dataset', 'model', 'pruner', 'schedule', 'budget', ...c.studies.map((s) => s.label), ...c.studies.slice(1).flatMap((s) => [`${s.label} − ${first.label}`, 'test', 'p'])],
      rows: c.shared.map((cell) => [
        cell.dataset,
        cell.model,
        cell.pruner,
        cell.schedule,
        String(cell.budget),
        ...cell.top1.map(sample),
        ...cell.differences.flatMap((d) => [points(d.mean), d.note ? `${d.test} (${d.note})` : `${d.test}, n=${d.n}`, formatP(d.p)]),
      ]),
    });
  } else {
    blocks.push({ kind: 'paragraph', text: '**No cell is shared**: the studies have no dataset, model, pruner, schedule and budget in common.' });
  }
  const differenceTable = (title: string, list: Difference[], none: string): Block[] =>
    list.length
      ? [{ kind: 'heading', level: 2, text: title }, { kind: 'table', header: ['key', ...c.studies.map((s) => s.label)], rows: list.map((d) => [d.key, ...d.values]) }]
      : [{ kind: 'heading', level: 2, text: title }, { kind: 'paragraph', text: none }];
  blocks.push(...differenceTable('What differs in their definitions', c.definition, 'Nothing: the studies have the same definition.'));
  blocks.push(...differenceTable('What differs in their identities (code, backend, data)', c.identity, 'Nothing: the same code, tfjs, backend and data.'));
  return blocks;
}

export const comparisonMarkdown = (c: StudyComparison) => toMarkdown(comparisonBlocks(c));
export const comparisonHtml = (c: StudyComparison) => toHtml(`prunebench compare: ${c.studies.map((s) => s.label).join(' vs ')}`, comparisonBlocks(c));

/** One line per shared cell and compared study, for pandas: accuracies as fractions. */
export function comparisonCsv(c: StudyComparison): string {
  const [first] = c.studies;
  const header = ['dataset', 'model', 'pruner', 'schedule', 'budget_epochs', 'study', 'baseline_study', 'test_top1_mean', 'test_top1_std', 'n', 'baseline_top1_mean', 'baseline_top1_std', 'baseline_n', 'difference', 'test', 'test_n', 'p_value', 'note'];
  const lines = c.shared.flatMap((cell) =>
    cell.differences.map((d, k) => {
      const s = cell.top1[k + 1];
      const b = cell.top1[0];
      return [cell.dataset, cell.model, cell.pruner, cell.schedule, cell.budget, d.label, first.label, s.mean, s.std, s.n, b.mean, b.std, b.n, d.mean, d.test, d.n, d.p, d.note].map(csvCell).join(',');
    }),
  );
  return [header.join(','), ...lines].join('\n') + '\n';
}
