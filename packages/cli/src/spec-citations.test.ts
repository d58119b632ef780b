// The definitions the code cites must be in the repository a user has: every `spec/...` a source
// file or doc names is a file under docs/spec/, none points outside the repository (shared/...),
// and the links of docs/spec resolve.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: ROOT, encoding: 'utf8' })
  .split('\n')
  .filter((f) => /\.(ts|js|md|json)$/.test(f) && fs.existsSync(path.join(ROOT, f)) && !f.endsWith('config.schema.json'));

describe('spec citations', () => {
  const citations = tracked.flatMap((file) =>
    [...fs.readFileSync(path.join(ROOT, file), 'utf8').matchAll(/[\w./-]*spec\/[\w-]+\.md/g)].map((m) => ({ file, cited: m[0] })),
  );

  it('finds the citations (schedules, pruning plans, cost counting)', () => {
    const cited = new Set(citations.map((c) => path.basename(c.cited)));
    for (const spec of ['schedules.md', 'pruning-plans.md', 'cost-counting.md']) expect(cited).toContain(spec);
  });

  it('cite docs/spec/ in the repository, never a folder outside it', () => {
    const outside = citations.filter((c) => !/(^|\/)docs\/spec\/|^\.\.\/spec\//.test(c.cited) || c.cited.includes('shared/'));
    expect(outside).toEqual([]);
    for (const { cited } of citations) {
      const name = cited.slice(cited.lastIndexOf('spec/'));
      expect(fs.existsSync(path.join(ROOT, 'docs', name))).toBe(true);
    }
  });

  it('docs/spec links resolve', () => {
    for (const file of fs.readdirSync(path.join(ROOT, 'docs', 'spec'))) {
      const text = fs.readFileSync(path.join(ROOT, 'docs', 'spec', file), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)#]+)\)/g)) {
        expect([file, target, fs.existsSync(path.resolve(ROOT, 'docs', 'spec', target))]).toEqual([file, target, true]);
      }
    }
  });
});
