import { main } from '../main';
import { collectingIo } from '../test-io';

async function run(argv: string[]) {
  const io = collectingIo();
  const code = await main(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe('prunebench inspect --plan', () => {
  it('adds the plan, criterion, the after block with reductions, and kept/total per group', async () => {
    const { code, stdout } = await run(['inspect', '--model', 'vgg-small', '--plan', 'uniform', '--ratio', '0.5', '--json']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.plan).toEqual({ use: 'uniform', ratio: 0.5 });
    expect(doc.criterion).toBe('l1');
    expect(doc.after.params).toBeLessThan(doc.before.params);
    expect(doc.after.macs).toBeLessThan(doc.before.macs);
    expect(doc.after.macsReduction).toBeCloseTo((100 * (doc.before.macs - doc.after.macs)) / doc.before.macs, 2);
    const pruned = doc.pruned.filter((g: { kept: number; total: number }) => g.kept < g.total);
    expect(pruned.length).toBeGreaterThan(0);
    for (const group of pruned) expect(group.kept).toBe(Math.floor(group.total * 0.5));
  });

  it('prints the plan, criterion, seed and reductions in the table form', async () => {
    const a = await run(['inspect', '--model', 'vgg-small', '--plan', '{"use":"uniform","ratio":0.25}', '--criterion', 'random', '--seed', '3']);
    expect(a.code).toBe(0);
    expect(a.stdout).toMatch(/pruned with plan .* and criterion "random" \(seed 3\)/);
    expect(a.stdout).toMatch(/after: .* params \(−\d+(\.\d+)?%\), .* MACs \(−\d+(\.\d+)?%\)/);
  });

  it('a compression target: the achieved figures beside it (JSON and table), and exit 2 for one out of reach', async () => {
    const plan = '{"use":"global","target":{"speedup":2}}';
    const json = await run(['inspect', '--model', 'vgg-small', '--plan', plan, '--json']);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.after.compression.target).toEqual({ speedup: 2 });
    expect(doc.after.compression.achieved.macsRemoved).toBeCloseTo(1 - doc.after.macs / doc.before.macs, 12);
    expect(Math.abs(doc.after.compression.achieved.macsRemoved - 0.5)).toBeLessThanOrEqual(0.005);
    const table = await run(['inspect', '--model', 'vgg-small', '--plan', plan]);
    expect(table.stdout).toMatch(/target 2× fewer MACs \(50\.00% removed\) \(± 0\.50%\); achieved \d+\.\d+% of MACs, \d+\.\d+% of params removed/);
    const far = await run(['inspect', '--model', 'vgg-small', '--plan', '{"use":"global","target":{"macs":0.99},"minRatio":0.5}']);
    expect(far.code).toBe(2);
    expect(far.stderr).toMatch(/cannot remove 99\.00% of the MACs/);
  });

  it('exits 2 for a plan that does not fit the model, an unknown criterion, or a data-hungry criterion', async () => {
    const misfit = await run(['inspect', '--model', 'resnet20', '--plan', 'pfec-a']);
    expect(misfit.code).toBe(2);
    expect(misfit.stderr).toMatch(/pfec-a/);
    const unknown = await run(['inspect', '--model', 'vgg-small', '--plan', 'uniform', '--ratio', '0.5', '--criterion', 'l11']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/did you mean "l1"\?/);
    const taylor = await run(['inspect', '--model', 'vgg-small', '--plan', 'uniform', '--ratio', '0.5', '--criterion', 'taylor']);
    expect(taylor.code).toBe(2);
    expect(taylor.stderr).toMatch(/needs calibration data/);
    const badRatio = await run(['inspect', '--model', 'vgg-small', '--plan', 'uniform', '--ratio', '1.5']);
    expect(badRatio.code).toBe(2);
  });
});
