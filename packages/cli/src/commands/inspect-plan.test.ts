import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import { modelArtifacts, selectBackend, writeModelFiles } from '@prunebench/harness';
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

  it('opens a saved model.json (or its folder): its groups, what the plan keeps, params and MACs after', async () => {
    // Reproduces issue 29: inspect could not open your own model.json ("unknown model").
    await selectBackend('cpu');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-inspect-'));
    try {
      const input = tfl.input({ shape: [6, 6, 2] });
      let x = tfl.layers.conv2d({ name: 'conv', filters: 8, kernelSize: 3, padding: 'same' }).apply(input) as tfl.SymbolicTensor;
      x = tfl.layers.dense({ name: 'fc1', units: 10 }).apply(tfl.layers.flatten().apply(x)) as tfl.SymbolicTensor;
      x = tfl.layers.dense({ name: 'fc2', units: 4 }).apply(x) as tfl.SymbolicTensor;
      const model = tfl.model({ inputs: input, outputs: x });
      writeModelFiles(dir, await modelArtifacts(model));
      model.dispose();
      const file = path.join(dir, 'model.json');
      const { code, stdout, stderr } = await run(['inspect', '--model', file, '--plan', 'uniform', '--ratio', '0.5', '--plan-option', 'layers=all', '--json']);
      expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
      const doc = JSON.parse(stdout);
      expect(doc).toMatchObject({ model: file, input: [6, 6, 2], classes: 4, plan: { use: 'uniform', ratio: 0.5, layers: 'all' } });
      expect(doc.pruned.map((g: { layers: string[]; kept: number; total: number }) => [g.layers[0], g.kept, g.total])).toEqual([['conv', 4, 8], ['fc1', 5, 10]]);
      expect(doc.after.macs).toBeLessThan(doc.before.macs);
      // A Dense-only model under `uniform` (convs only by default): the preview says what would prune.
      const mlpInput = tfl.input({ shape: [5] });
      const hidden = tfl.layers.dense({ name: 'hidden', units: 8 }).apply(mlpInput) as tfl.SymbolicTensor;
      const mlp = tfl.model({ inputs: mlpInput, outputs: tfl.layers.dense({ name: 'out', units: 2 }).apply(hidden) as tfl.SymbolicTensor });
      writeModelFiles(path.join(dir, 'mlp'), await modelArtifacts(mlp));
      mlp.dispose();
      const dense = await run(['inspect', '--model', path.join(dir, 'mlp'), '--plan', 'uniform', '--ratio', '0.5']);
      expect(dense.code).toBe(0);
      expect(dense.stdout).toMatch(/after: 66 params \(−0%\)[\s\S]*note: .*prunes nothing.*"hidden" \(dense layers\)\. Give --plan-option layers=all/);
      const denseJson = JSON.parse((await run(['inspect', '--model', path.join(dir, 'mlp'), '--plan', 'uniform', '--ratio', '0.5', '--json'])).stdout);
      expect(denseJson.nothingPruned).toMatch(/layers=all/);
      const all = JSON.parse((await run(['inspect', '--model', path.join(dir, 'mlp'), '--plan', 'uniform', '--ratio', '0.5', '--plan-option', 'layers=all', '--json'])).stdout);
      expect(all.nothingPruned).toBeUndefined();
      expect(all.after.params).toBe(4 * 5 + 4 + 4 * 2 + 2);
      const text = await run(['inspect', '--model', dir]);
      expect(text.code).toBe(0);
      expect(text.stdout).toMatch(/fc1\s+Dense\s+10/);
      const shaped = await run(['inspect', '--model', dir, '--input', '8x8x2']);
      expect(shaped.code).toBe(2);
      expect(shaped.stderr).toMatch(/--input is for a model built by id/);
      const missing = await run(['inspect', '--model', path.join(dir, 'nothing', 'model.json')]);
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/no TF\.js model at/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
