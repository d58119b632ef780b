import type { Analysis, Cell } from './analysis';

/**
 * The report's tables for a paper: LaTeX with booktabs, one table per retraining budget
 * (pruner × schedule, test top-1 % as mean ± std with the 95% CI under it, the best mean of
 * the budget in bold, a mark where the schedule differs from the reference schedule by the
 * report's paired test over seeds, Holm-adjusted over the budget's comparisons), and a standalone
 * document around them that compiles as written (`pdflatex report.tex`; needs only booktabs).
 */

/** Escapes text for LaTeX's text mode. */
export function latexEscape(text: string): string {
  return text.replace(/[\\{}$&#^_%~]/g, (c) =>
    c === '\\' ? '\\textbackslash{}' : c === '^' ? '\\textasciicircum{}' : c === '~' ? '\\textasciitilde{}' : `\\${c}`,
  );
}

const pct = (v: number) => (100 * v).toFixed(2);

/** Significance marks and what they mean (in the caption). */
const MARKS: Array<{ below: number; mark: string }> = [
  { below: 0.01, mark: '**' },
  { below: 0.05, mark: '*' },
];
const markFor = (p: number | undefined) => (p === undefined || !Number.isFinite(p) ? '' : (MARKS.find((m) => p < m.below)?.mark ?? ''));

function cellText(cell: Cell | undefined, mark: string): { main: string; ci: string } {
  if (!cell || cell.top1.n === 0) return { main: '--', ci: '' };
  const sup = mark ? `\\textsuperscript{${mark}}` : '';
  const body = cell.top1.n >= 2 ? `${pct(cell.top1.mean)} $\\pm$ ${pct(cell.top1.std)}` : pct(cell.top1.mean);
  const main = cell.best ? `\\textbf{${body}}${sup}` : `${body}${sup}`;
  const ci = cell.top1.n >= 2 ? `{\\scriptsize [${pct(cell.top1.mean - cell.top1.ci95)}, ${pct(cell.top1.mean + cell.top1.ci95)}]}` : '';
  return { main, ci };
}

/** One booktabs table of a budget. */
export function budgetTable(analysis: Analysis, budget: number): string {
  // The analysis's paired tests (paired-tests.ts): Holm-adjusted over the budget's gains.
  const p = new Map(analysis.gains.filter((g) => g.budget === budget && g.against === analysis.reference).map((g) => [`${g.pruner}\u0000${g.schedule}`, g.tests?.holm]));
  const schedules = analysis.schedules;
  const rows: string[] = [];
  for (const pruner of analysis.pruners) {
    const cells = schedules.map((schedule) => {
      const cell = analysis.cells.find((c) => c.pruner === pruner && c.schedule === schedule && c.budget === budget);
      return cellText(cell, schedule === analysis.reference ? '' : markFor(p.get(`${pruner}\u0000${schedule}`)));
    });
    if (cells.every((c) => c.main === '--')) continue;
    rows.push(`${latexEscape(pruner)} & ${cells.map((c) => c.main).join(' & ')} \\\\`);
    if (cells.some((c) => c.ci)) rows.push(` & ${cells.map((c) => c.ci).join(' & ')} \\\\`);
  }
  const n = analysis.seeds.length;
  const caption =
    `Test top-1 (\\%) after ${budget}-epoch retraining, mean $\\pm$ std over ${n} seed${n === 1 ? '' : 's'}, 95\\% CI below; ${boldRule(analysis)} ` +
    `Marks: paired $t$ test over seeds against \\texttt{${latexEscape(analysis.reference)}}, Holm-adjusted over the table: ` +
    `${MARKS.map((m) => `${m.mark} $p < ${m.below}$`).join(', ')}` +
    (n < 3 ? ` (with ${n} seed${n === 1 ? '' : 's'} no test has the power to mark anything).` : '.') +
    (Number.isFinite(analysis.original.top1.mean) ? ` Original (unpruned): ${pct(analysis.original.top1.mean)}.` : '');
  return [
    '\\begin{table}[ht]',
    '\\centering',
    `\\caption{${caption}}`,
    `\\label{tab:budget-${budget}}`,
    `\\begin{tabular}{l${'c'.repeat(schedules.length)}}`,
    '\\toprule',
    `pruner & ${schedules.map((s) => latexEscape(s)).join(' & ')} \\\\`,
    '\\midrule',
    ...rows,
    '\\bottomrule',
    '\\end{tabular}',
    '\\end{table}',
  ].join('\n');
}

/** Every budget's table: what a paper `\input`s. */
export function latexTables(analysis: Analysis): string {
  return analysis.budgets.map((budget) => budgetTable(analysis, budget)).join('\n\n') + '\n';
}

/** A standalone document holding the tables (compiles with `pdflatex`: article + booktabs). */
export function latexDocument(analysis: Analysis, title: string): string {
  return [
    '% Written by `prunebench report DIR --format latex`. The tables need \\usepackage{booktabs}.',
    '\\documentclass{article}',
    '\\usepackage[T1]{fontenc}',
    '\\usepackage{booktabs}',
    '\\begin{document}',
    `\\section*{${latexEscape(title)}}`,
    latexTables(analysis),
    '\\end{document}',
    '',
  ].join('\n');
}

/** What bold means: the best cell among pruners of equal MACs, picked on validation or test (report/selection.ts), or nothing below 3 seeds. */
function boldRule(analysis: Analysis): string {
  if (!analysis.selection?.starred) return 'no cell in bold: with fewer than 3 seeds no interval excludes anything.';
  return `bold: the best cell among pruners of equal MACs, picked on ${analysis.selection.split === 'validation' ? 'validation accuracy' : 'test accuracy (no validation split)'}.`;
}
