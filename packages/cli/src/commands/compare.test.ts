import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../main';
import { collectingIo } from '../test-io';
import { tinyStudyConfig } from '../test-study';

describe('prunebench compare', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-compare-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const a = path.join(root, 'lr-0.05');
  const b = path.join(root, 'lr-0.02');

  beforeAll(async () => {
    // Two studies on the same data and seeds: B trains its original with another LR and adds CLR.
    const configs = [
      tinyStudyConfig(a, { pruners: [{ use: 'l1', plan: { use: 'uniform', ratio: 0.5 } }], schedules: ['ft'], seeds: [0, 1] }),
      tinyStudyConfig(b, { pruners: [{ use: 'l1', plan: { use: 'uniform', ratio: 0.5 } }], schedules: ['ft', 'clr'], seeds: [0, 1], original: { ...tinyStudyConfig('').original, lr: 0.02 } }),
    ];
    for (const [i, config] of configs.entries()) {
      const file = path.join(root, `study-${i}.json`);
      fs.writeFileSync(file, JSON.stringify(config));
      expect(await main(['run', '--config', file], collectingIo())).toBe(0);
    }
  }, 300_000);

  it('shows the shared cells with a paired test, and what differs in the definitions', async () => {
    const io = collectingIo();
    expect(await main(['compare', a, b], io)).toBe(0);
    const md = io.stdout();
    expect(md).toMatch(/^# Comparison: lr-0\.05 vs lr-0\.02/m);
    // Shared: l1 × ft × 1 epoch only (B's clr cell is its own).
    const rows = md.split('\n').filter((l) => l.startsWith('| synthetic |'));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/\| l1\/uniform \| ft \| 1 \|.*\| paired t, n=2 \|/);
    expect(md).toMatch(/\| lr-0\.02 \| .* \| 1 \|$/m); // one cell only in B
    expect(md).toMatch(/\| original\.lr \| 0\.05 \| 0\.02 \|/);
    expect(md).toMatch(/\| schedules \| \[\{"id":"ft","options":\{\}\}\] \| \[\{"id":"ft","options":\{\}\},\{"id":"clr",/);
    expect(md).toMatch(/What differs in their identities[\s\S]*Nothing: the same code, tfjs, backend and data\./);
  });

  it('writes CSV for pandas and HTML, the format from --format or the file name', async () => {
    const csvFile = path.join(root, 'out', 'compare.csv');
    expect(await main(['compare', a, b, '--out', csvFile], collectingIo())).toBe(0);
    const [header, ...lines] = fs.readFileSync(csvFile, 'utf8').trim().split('\n');
    expect(header.split(',')).toEqual(expect.arrayContaining(['pruner', 'schedule', 'budget_epochs', 'difference', 'test', 'p_value']));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^synthetic,vgg-small,l1\/uniform,ft,1,lr-0\.02,lr-0\.05,[\d.]+,/);
    expect(lines[0]).toMatch(/,paired t,2,[\d.]*,$/);
    const html = collectingIo();
    expect(await main(['compare', a, b, '--format', 'html'], html)).toBe(0);
    expect(html.stdout()).toMatch(/^<!doctype html>/);
    expect(html.stdout()).toContain('<table>');
  });

  it('refuses one folder, an unknown format, and a folder with no study', async () => {
    const one = collectingIo();
    expect(await main(['compare', a], one)).toBe(2);
    expect(one.stderr()).toMatch(/at least two results folders/);
    expect(await main(['compare', a, b, '--format', 'pdf'], collectingIo())).toBe(2);
    const none = collectingIo();
    expect(await main(['compare', a, root], none)).toBe(2);
    expect(none.stderr()).toMatch(/no study\.json/);
  });
});
