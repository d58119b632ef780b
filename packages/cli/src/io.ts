/** Where a command writes. The binary passes process streams; tests pass collectors. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is an interactive terminal (progress bars instead of log lines). */
  isTTY: boolean;
  /** How wide tables may be, in characters: the terminal's width, else `$COLUMNS`, else 100. */
  columns?: number;
}

/** Tables narrower than this are not worth wrapping further. */
const MIN_COLUMNS = 40;

export function outputColumns(stream: { columns?: number }, env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env.COLUMNS);
  const width = stream.columns || (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : 100);
  return Math.max(MIN_COLUMNS, width);
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  isTTY: Boolean(process.stdout.isTTY),
  get columns() {
    return outputColumns(process.stdout);
  },
};

/** `--json`: one JSON document on stdout and nothing else there. */
export function printJson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

const GAP = 2;

/** Breaks `text` into lines of at most `width`, after spaces (so after ", " and "; "), else hard. */
export function wrapCell(text: string, width: number): string[] {
  const lines: string[] = [];
  let rest = text;
  while (rest.length > width) {
    const space = rest.lastIndexOf(' ', width);
    const cut = space > 0 ? space : width;
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  lines.push(rest);
  return lines;
}

/**
 * Column widths that fit `maxWidth`: the natural ones if they fit; else the widest columns are
 * narrowed (never below their header, or 8) until the table fits or nothing can shrink.
 */
function fitWidths(natural: number[], minimum: number[], maxWidth: number): number[] {
  const widths = [...natural];
  const total = () => widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1);
  while (total() > maxWidth) {
    let widest = -1;
    widths.forEach((w, i) => {
      if (w > minimum[i] && (widest < 0 || w > widths[widest])) widest = i;
    });
    if (widest < 0) break;
    widths[widest] -= 1;
  }
  return widths;
}

/** A plain text table with left-aligned columns; with `maxWidth`, long cells wrap onto more lines to fit it. */
export function formatTable(header: string[], rows: string[][], maxWidth = Infinity): string {
  const natural = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const widths = fitWidths(natural, header.map((h, i) => Math.min(natural[i], Math.max(h.length, 8))), maxWidth);
  const lines = (cells: string[]) => {
    const wrapped = cells.map((c, i) => wrapCell(c ?? '', widths[i]));
    const height = Math.max(...wrapped.map((w) => w.length));
    return Array.from({ length: height }, (_, k) => wrapped.map((w, i) => (w[k] ?? '').padEnd(widths[i])).join(' '.repeat(GAP)).trimEnd());
  };
  return [...lines(header), ...lines(widths.map((w) => '-'.repeat(w))), ...rows.flatMap(lines)].join('\n') + '\n';
}
