import type { Io } from './io';

/** An Io that collects what a command writes, for in-process CLI tests. */
export function collectingIo(options: { columns?: number } = {}): Io & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    isTTY: false,
    columns: options.columns,
    stdout: () => out,
    stderr: () => err,
  };
}
