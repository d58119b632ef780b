import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../util/atomic';
import { isComplete, RUN_RECORD_FORMAT, type RunRecord } from './record';
import { sealRecord } from './record-seal';
import { artifactDigests } from './artifacts';
import { parseRunRecord } from './record-format';

/**
 * The results folder: `runs/<job id>/` per run (run.json, history.csv, model/), and the
 * study-level files beside it. Every write is atomic (temp file, then rename).
 */
export class ResultStore {
  readonly runsDir: string;

  constructor(readonly outDir: string) {
    this.runsDir = path.join(outDir, 'runs');
  }

  runDir(id: string): string {
    return path.join(this.runsDir, id);
  }

  /** Where a run keeps its model checkpoint (originals and pruned models). */
  modelDir(id: string): string {
    return path.join(this.runDir(id), 'model');
  }

  read(id: string): RunRecord | undefined {
    const file = path.join(this.runDir(id), 'run.json');
    try {
      return parseRunRecord(fs.readFileSync(file, 'utf8'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      // A run.json that does not parse cannot have been written by us (writes are atomic):
      // treat the run as unfinished rather than trusting it.
      return undefined;
    }
  }

  isComplete(id: string): boolean {
    return isComplete(this.read(id));
  }

  /**
   * Writes run.json: the last write of a run. A complete run's record carries the SHA-256 of
   * every file the run wrote (checkpoint, masks, history), which readers check (verify.ts), and
   * every record is sealed over all its fields (record-seal.ts).
   */
  write(record: RunRecord): void {
    const current = { ...record, format: RUN_RECORD_FORMAT };
    const written = isComplete(record) ? { ...current, artifacts: artifactDigests(this.runDir(record.id)) } : current;
    writeJsonAtomic(path.join(this.runDir(record.id), 'run.json'), sealRecord(written));
  }

  writeFile(id: string, name: string, data: string | Uint8Array): void {
    writeFileAtomic(path.join(this.runDir(id), name), data);
  }

  writeStudyFile(name: string, data: string | Uint8Array): string {
    const file = path.join(this.outDir, name);
    writeFileAtomic(file, data);
    return file;
  }
}
