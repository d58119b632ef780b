import { main } from '../main';
import { collectingIo } from '../test-io';

async function run(argv: string[]) {
  const io = collectingIo();
  const code = await main(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe('prunebench inspect', () => {
  it('--json prints the layers, the totals and the pruning groups of a model', async () => {
    const result = await run(['inspect', '--model', 'vgg-small', '--classes', '5', '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.model).toBe('vgg-small');
    expect(doc.input).toEqual([28, 28, 1]);
    // conv weights 3·3·(1·16 + 16·16 + 16·32 + 32·32 + 32·64), BN 2·(16+16+32+32+64+64),
    // fc1 576·64 + 64, fc2 64·5 + 5.
    const params = 9 * (16 + 256 + 512 + 1024 + 2048) + 2 * 224 + 576 * 64 + 64 + 64 * 5 + 5;
    expect(doc.before.params).toBe(params);
    const flops = 9 * 28 * 28 * (16 + 256) + 9 * 14 * 14 * (512 + 1024) + 9 * 7 * 7 * 2048 + 576 * 64 + 64 * 5;
    expect(doc.before.macs).toBe(flops);
    expect(doc.layers.find((l: { name: string }) => l.name === 'conv1')).toMatchObject({ outputShape: [28, 28, 16], params: 144 });
    const conv5 = doc.groups.find((g: { producers: string[] }) => g.producers.includes('conv5'));
    expect(conv5).toMatchObject({ channels: 64, prunable: true, convIndices: [5] });
    expect(conv5.members.find((m: { layer: string }) => m.layer === 'fc1')).toMatchObject({ role: 'consumer', spatial: 9 });
    expect(doc.groups.filter((g: { prunable: boolean }) => g.prunable)).toHaveLength(6);
  });

  it('prints a table with totals and the --input shape asked for', async () => {
    const result = await run(['inspect', '--model', 'resnet20', '--input', '8x8x3']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/resnet20: input 8x8x3, 10 classes/);
    expect(result.stdout).toMatch(/stage1_block1_conv1\s+Conv2D\s+8x8x16\s+2,304\s+147,456\s+g\d+/);
    expect(result.stdout).toMatch(/total: [\d,]+ params/);
    expect(result.stdout).toMatch(/merged by "stage2_block1_add"/);
  });

  it('fits its tables to the terminal width, wrapping long cells instead of running on', async () => {
    const io = collectingIo({ columns: 100 });
    expect(await main(['inspect', '--model', 'resnet56', '--input', '8x8x3', '--plan', 'pfec-b'], io)).toBe(0);
    const lines = io.stdout().split('\n');
    const longest = Math.max(...lines.map((l) => l.length));
    expect(longest).toBeLessThanOrEqual(100);
    // Nothing lost by wrapping: the long "why not" reason is still there, word by word.
    const text = io.stdout().replace(/\s+/g, ' ');
    expect(text).toMatch(/merged by "stage2_block1_add"/);
    // Without a width (a test collector, a file), the same table is one line per row.
    const wide = collectingIo();
    await main(['inspect', '--model', 'resnet56', '--input', '8x8x3'], wide);
    expect(Math.max(...wide.stdout().split('\n').map((l) => l.length))).toBeGreaterThan(100);
  });

  it('exits 2 on an unknown model, suggesting the closest one', async () => {
    const result = await run(['inspect', '--model', 'resnett56']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown model "resnett56" — did you mean "resnet56"\?/);
    const badShape = await run(['inspect', '--model', 'lenet5', '--input', '28by28']);
    expect(badShape.code).toBe(2);
    expect(badShape.stderr).toMatch(/--input: expected a shape like 32x32x3/);
  });
});
