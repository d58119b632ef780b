import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dirDigest, fileDigest } from './digest';

describe('digests', () => {
  it('hash a file as sha256sum does, and a folder by its relative paths and contents', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-digest-'));
    fs.mkdirSync(path.join(dir, 'model'));
    fs.writeFileSync(path.join(dir, 'model', 'weights.bin'), Buffer.from([1, 2, 3]));
    fs.writeFileSync(path.join(dir, 'masks.bin'), 'm');
    expect(fileDigest(path.join(dir, 'masks.bin'))).toBe(createHash('sha256').update('m').digest('hex'));
    const before = dirDigest(dir);
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    fs.writeFileSync(path.join(dir, 'model', 'weights.bin'), Buffer.from([1, 2]));
    expect(dirDigest(dir)).not.toBe(before);
    fs.writeFileSync(path.join(dir, 'model', 'weights.bin'), Buffer.from([1, 2, 3]));
    expect(dirDigest(dir)).toBe(before);
    fs.renameSync(path.join(dir, 'masks.bin'), path.join(dir, 'masks2.bin'));
    expect(dirDigest(dir)).not.toBe(before);
  });
});
