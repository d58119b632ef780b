import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Whether the dynamic loader would likely find `library` on Linux: LD_LIBRARY_PATH, then the
 * usual system folders. A check before loading native code that prints its own warnings.
 */
export function sharedLibraryFound(library: string, extraFolders: readonly string[] = []): boolean {
  const folders = [
    ...(process.env.LD_LIBRARY_PATH ?? '').split(':'),
    ...extraFolders,
    `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`,
    '/usr/lib64',
    '/usr/lib',
    '/usr/local/lib',
    '/lib',
  ];
  return folders.some((folder) => folder && fs.existsSync(path.join(folder, library)));
}
