import * as path from 'node:path';

const PREFIX = 'prunebench-plugin';

/** A name written as a path (relative, absolute, or `~`-less Windows drive): used as written. */
export function isPathLike(name: string): boolean {
  return name.startsWith('.') || path.isAbsolute(name) || /^[a-zA-Z]:[\\/]/.test(name);
}

/**
 * Babel-style short names to package names:
 * `snip` → `prunebench-plugin-snip`, `@acme/snip` → `@acme/prunebench-plugin-snip`,
 * `@acme` → `@acme/prunebench-plugin`; full names, paths and `module:<name>` stay as written.
 */
export function normalizePluginName(name: string): string {
  if (name.startsWith('module:')) return name.slice('module:'.length);
  if (isPathLike(name)) return name;
  if (name.startsWith('@')) {
    const [scope, rest] = name.split('/', 2);
    if (!rest) return `${scope}/${PREFIX}`;
    if (rest === PREFIX || rest.startsWith(`${PREFIX}-`)) return name;
    return `${scope}/${PREFIX}-${rest}`;
  }
  if (name === PREFIX || name.startsWith(`${PREFIX}-`)) return name;
  return `${PREFIX}-${name}`;
}
