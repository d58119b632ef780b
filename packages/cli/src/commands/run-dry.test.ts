import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../main';
import { collectingIo } from '../test-io';
import { tinyStudyConfig } from '../test-study';

describe('prunebench run --dry-run', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-dry-run-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const out = path.join(root, 'results');
  const configFile = path.join(root, 'prunebench.config.json');
  fs.writeFileSync(configFile, JSON.stringify(tinyStudyConfig(out, { budgets: [1, 2] })));

  it('lists every run and an estimated time, and trains and writes nothing', async () => {
    const io = collectingIo({ columns: 200 });
    expect(await main(['run', '--dry-run', '--config', configFile], io)).toBe(0);
    const text = io.stdout();
    expect(text).toMatch(/Study: 11 runs, 0 already done, 11 to run/);
    // One line per run: 1 original, 2 prunes, 2 pruners × 2 schedules × 2 budgets.
    expect(text.match(/^\d+ +retrain +\S+ +(ft|clr) +[12] ep +0 /gm)).toHaveLength(8);
    expect(text.match(/^\d+ +original /gm)).toHaveLength(1);
    expect(text.match(/to run$/gm)).toHaveLength(11);
    expect(text).toMatch(/vgg-small \(original\): [\d,]+ MACs\/example, \d+ training examples\/s/);
    expect(text).toMatch(/Estimated time: (\d+m)?\d+s on 1 runner/);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('--json: the plan as one document; a 2-epoch retrain is predicted longer than a 1-epoch one, a pruned net cheaper per example', async () => {
    const io = collectingIo();
    expect(await main(['run', '--dry-run', '--json', '--config', configFile], io)).toBe(0);
    const plan = JSON.parse(io.stdout());
    expect(plan.runs).toHaveLength(11);
    const retrain = (budget: number) => plan.runs.find((r: { kind: string; budget?: number }) => r.kind === 'retrain' && r.budget === budget);
    expect(retrain(2).seconds).toBeGreaterThan(retrain(1).seconds);
    expect(retrain(1).work.macs).toBeLessThan(plan.runs[0].work.macs);
    expect(plan.wallSeconds).toBeGreaterThan(0);
    expect(fs.existsSync(out)).toBe(false);
  });

  it('--json without --dry-run is bad usage', async () => {
    const io = collectingIo();
    expect(await main(['run', '--json', '--config', configFile], io)).toBe(2);
    expect(io.stderr()).toMatch(/--json goes with --dry-run/);
  });

  it('after the study ran, says every run is done; the live ETA came from the cost model from the first line', async () => {
    const run = collectingIo();
    expect(await main(['run', '--config', configFile], run)).toBe(0);
    // With equal weights there is no ETA before the first run ends ("ETA ?").
    expect(run.stdout()).toMatch(/\[ 1\/11\] done: train original, seed 0 .*ETA \d/);
    const io = collectingIo({ columns: 200 });
    expect(await main(['run', '--dry-run', '--config', configFile], io)).toBe(0);
    expect(io.stdout()).toMatch(/11 already done, 0 to run/);
    expect(io.stdout()).toMatch(/Every run is done/);

    // Two runs' results gone (as after a Ctrl-C before they ran): the report says it is partial.
    const retrains = fs.readdirSync(path.join(out, 'runs')).filter((name) => name.startsWith('retrain-')).slice(0, 2);
    for (const name of retrains) fs.rmSync(path.join(out, 'runs', name), { recursive: true });
    expect(await main(['report', out], collectingIo())).toBe(0);
    const summary = fs.readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(summary).not.toMatch(/All \d+ runs finished/);
    expect(summary).toMatch(/Partial: 9 of the study's 11 runs finished\*\*, 2 have no result yet/);
    expect(summary).toMatch(/2 of the study's 11 runs have no result yet/);

    // The report for a paper: report.tex beside the usual files; an unknown format is bad usage.
    const latex = collectingIo();
    expect(await main(['report', out, '--format', 'html,latex'], latex)).toBe(0);
    expect(latex.stdout()).toMatch(/report\.tex/);
    const tex = fs.readFileSync(path.join(out, 'report.tex'), 'utf8');
    expect(tex).toMatch(/\\begin\{tabular\}\{lcc\}[\s\S]*\\toprule[\s\S]*l1\/uniform &/);
    const bad = collectingIo();
    expect(await main(['report', out, '--format', 'pdf'], bad)).toBe(2);
    expect(bad.stderr()).toMatch(/--format: expected html, latex/);
  });
});
