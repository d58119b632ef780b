import * as fs from 'node:fs';

/** The installed version of an npm package, or 'unknown' (for identities and messages). */
export function installedVersion(name: string): string {
  try {
    return (JSON.parse(fs.readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** Whether `error` is Node's "cannot find module" for `name` itself (not for a file it requires). */
export function isMissingModule(error: unknown, name: string): boolean {
  const err = error as NodeJS.ErrnoException;
  return err?.code === 'MODULE_NOT_FOUND' && typeof err.message === 'string' && err.message.includes(`'${name}'`);
}
