import * as fs from 'node:fs';
import * as path from 'node:path';
import { UsageError } from '@prunebench/core';

/** A compiled entry of this folder that a queue worker starts as a thread (`processor`, `backend-probe-thread`). */
export function queueThreadScript(name: string): string {
  const file = path.join(__dirname, `${name}.js`);
  if (!__filename.endsWith('.js') || !fs.existsSync(file)) {
    throw new UsageError(`the queue worker needs the built package (npm run build): ${file} is missing`);
  }
  return file;
}
