import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DatasetError } from '@prunebench/core';

/** Reads a data file, un-gzipping it when it starts with the gzip magic bytes (1f 8b). */
export function readDataFile(file: string): Buffer {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what = code === 'ENOENT' ? 'does not exist' : `cannot be read (${(error as Error).message})`;
    throw new DatasetError(`dataset file ${file} ${what}; check the dataset's "path" option`, file, undefined, { cause: error });
  }
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      return gunzipSync(bytes);
    } catch (error) {
      throw new DatasetError(
        `dataset file ${file} is gzip but does not decompress (${(error as Error).message}); download it again`,
        file, undefined, { cause: error },
      );
    }
  }
  return bytes;
}

/**
 * The first of `candidates` (file names inside `folder`) that exists, or a DatasetError that
 * lists what was looked for.
 */
export function findDataFile(folder: string, candidates: string[]): string {
  for (const name of candidates) {
    const file = path.join(folder, name);
    if (fs.existsSync(file)) return file;
  }
  const first = path.join(folder, candidates[0]);
  throw new DatasetError(
    `dataset file ${first} does not exist (looked for ${candidates.join(', ')} in ${folder}); ` +
      `check the dataset's "path" option`,
    first,
  );
}

/** `folder` exists and is a directory, or a DatasetError naming it. */
export function requireFolder(folder: string, what: string): void {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(folder);
  } catch {
    stat = undefined;
  }
  if (!stat?.isDirectory()) {
    throw new DatasetError(`${what} folder ${folder} does not exist; check the dataset's "path" option`, folder);
  }
}
