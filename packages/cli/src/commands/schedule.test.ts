import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../main';
import { collectingIo } from '../test-io';

async function run(argv: string[]) {
  const io = collectingIo();
  const code = await main(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-schedule-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('prunebench schedule', () => {
  it('--json prints LRs and momenta without float noise (0.001, not 0.0010000000000000002)', async () => {
    const { code, stdout } = await run(['schedule', 'ft', 'lrw', 'slr', 'clr', '--epochs', '72', '--steps-per-epoch', '2', '--json']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout) as Record<string, Array<{ lr: number; momentum: number }>>;
    expect(doc.lrw.map((s) => s.lr)).toContain(0.001);
    expect(doc.ft.every((s) => s.lr === 0.001)).toBe(true);
    for (const match of stdout.matchAll(/"(lr|momentum)": (-?[\d.e+-]+)/g)) {
      expect(Number(match[2])).toBe(Number(Number(match[2]).toPrecision(12)));
      expect(match[2]).not.toMatch(/(0000000000|9999999999)\d$/);
    }
  });

  it('--json prints every step of the schedule as one JSON document', async () => {
    const { code, stdout, stderr } = await run(['schedule', 'lrw', '--epochs', '72', '--steps-per-epoch', '3', '--json']);
    expect([code, stderr]).toEqual([0, '']);
    const rows = JSON.parse(stdout) as Array<{ step: number; epoch: number; lr: number; momentum: number }>;
    expect(rows).toHaveLength(216);
    expect(rows[0]).toEqual({ step: 0, epoch: 0, lr: expect.closeTo(0.01, 15), momentum: 0.9 });
    expect(rows[95]).toEqual({ step: 95, epoch: 31, lr: expect.closeTo(0.01, 15), momentum: 0.9 });
    expect(rows[96]).toEqual({ step: 96, epoch: 32, lr: expect.closeTo(0.001, 15), momentum: 0.9 });
    expect(rows.map((r) => r.step)).toEqual([...Array(216).keys()]);
  });

  it('prints a compact table of where the LR changes', async () => {
    const { code, stdout } = await run(['schedule', 'slr', '-e', '40', '-s', '10']);
    expect(code).toBe(0);
    expect(stdout).toContain('slr: 40 epochs × 10 steps = 400 steps (original: 160 epochs, lr 0.1, ×0.1 at 80, 120, momentum 0.9)');
    const rows = stdout.split('\n').filter((line) => /^\d/.test(line)).map((line) => line.trim().split(/\s+/));
    expect(rows).toEqual([
      ['0', '0', '0.001', '0.9'],
      ['10', '1', '0.0154982', '0.9'],
      ['20', '2', '0.0505', '0.9'],
      ['30', '3', '0.0855018', '0.9'],
      ['40', '4', '0.1', '0.9'],
      ['220', '22', '0.01', '0.9'],
      ['310', '31', '0.001', '0.9'],
    ]);
  });

  it('samples the table of CLR (it changes every step) and says so', async () => {
    const { code, stdout } = await run(['schedule', 'clr', '--epochs', '40', '--steps-per-epoch', '100']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/the LR changes at 4000 of 4000 steps; sampled: start, rise, peak, decay, last step/);
    const rows = stdout.split('\n').filter((line) => /^\d/.test(line)).map((line) => line.trim().split(/\s+/));
    expect(rows[0]).toEqual(['0', '0', '0.001', '0.95']);
    expect(rows).toContainEqual(['399', '3', '0.1', '0.85']);
    expect(rows[rows.length - 1]).toEqual(['3999', '39', '0.00001', '0.95']);
    expect(rows.length).toBeLessThanOrEqual(15);
  });

  it('takes schedule options, and an original from a preset or a JSON file', async () => {
    const flat = await run(['schedule', 'clr', '-e', '2', '-s', '5', '--option', 'cycleMomentum=false', '--json']);
    expect(flat.code).toBe(0);
    expect((JSON.parse(flat.stdout) as Array<{ momentum: number }>).every((r) => r.momentum === 0.9)).toBe(true);

    const imagenet = await run(['schedule', 'lrw', '-e', '45', '-s', '1', '--original', 'imagenet', '--json']);
    expect((JSON.parse(imagenet.stdout) as Array<{ lr: number }>).filter((r) => r.lr > 0.005)).toHaveLength(15);

    const file = path.join(dir, 'original.json');
    fs.writeFileSync(file, JSON.stringify({ epochs: 10, lr: 0.5, milestones: [5], gamma: 0.5, momentum: 0.8 }));
    const custom = await run(['schedule', 'ft', '-e', '2', '-s', '1', '--original', file, '--json']);
    expect(JSON.parse(custom.stdout)).toEqual([
      { step: 0, epoch: 0, lr: 0.25, momentum: 0.8 },
      { step: 1, epoch: 1, lr: 0.25, momentum: 0.8 },
    ]);

    const wrapped = await run(['schedule', 'warmup', '-e', '2', '-s', '2', '-o', 'schedule={"use":"constant","lr":0.2}', '-o', 'epochs=1', '-o', 'startFactor=0.5', '--json']);
    expect((JSON.parse(wrapped.stdout) as Array<{ lr: number }>).map((r) => r.lr)).toEqual([0.1, 0.15, 0.2, 0.2].map((v) => expect.closeTo(v, 15)));
  });

  it('prints several schedules, with options targeted by id', async () => {
    const { code, stdout } = await run(['schedule', 'ft,clr', '-e', '1', '-s', '4', '-o', 'clr.cycleMomentum=false', '--json']);
    expect(code).toBe(0);
    const byName = JSON.parse(stdout) as Record<string, Array<{ lr: number; momentum: number }>>;
    expect(Object.keys(byName)).toEqual(['ft', 'clr']);
    expect(byName.clr.every((r) => r.momentum === 0.9)).toBe(true);
  });

  it('writes the four retraining schedules on one SVG chart', async () => {
    const file = path.join(dir, 'figure1.svg');
    const { code, stdout } = await run(['schedule', 'ft', 'lrw', 'slr', 'clr', '-e', '72', '-s', '391', '--svg', file]);
    expect(code).toBe(0);
    expect(stdout).toContain(`wrote ${file}`);
    const svg = fs.readFileSync(file, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const text of ['ft', 'lrw', 'slr', 'clr', 'epoch', 'learning rate']) expect(svg).toContain(`>${text}<`);
    expect(svg.length).toBeLessThan(300_000); // 4 × 28152 steps, downsampled
  });

  it('exits 2 with what to fix for an unknown schedule, a bad budget, a bad option or original', async () => {
    const unknown = await run(['schedule', 'clrr', '-e', '1', '-s', '1']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown schedule "clrr" — did you mean "clr"\?/);
    const zero = await run(['schedule', 'ft', '-e', '0', '-s', '1']);
    expect([zero.code, zero.stderr]).toEqual([2, expect.stringMatching(/--epochs must be a whole number, at least 1 \(got "0"\)/)]);
    const fractional = await run(['schedule', 'ft', '-e', '2', '-s', '1.5']);
    expect(fractional.stderr).toMatch(/--steps-per-epoch must be a whole number/);
    const negative = await run(['schedule', 'constant', '-e', '1', '-s', '1', '-o', 'lr=-0.1']);
    expect([negative.code, negative.stderr]).toEqual([2, expect.stringMatching(/lr: must be > 0/)]);
    const malformed = await run(['schedule', 'clr', '-e', '1', '-s', '1', '-o', 'cycleMomentum']);
    expect(malformed.stderr).toMatch(/must look like key=value/);
    const badTarget = await run(['schedule', 'ft', 'clr', '-e', '1', '-s', '1', '-o', 'cl.pctStart=0.2']);
    expect(badTarget.stderr).toMatch(/"cl" is not one of the schedules named here \(ft, clr\) — did you mean "clr"\?/);
    const original = await run(['schedule', 'ft', '-e', '1', '-s', '1', '--original', 'cifra']);
    expect([original.code, original.stderr]).toEqual([2, expect.stringMatching(/did you mean "cifar"\?/)]);
    expect((await run(['schedule', 'ft', '-s', '1'])).code).toBe(2);
  });
});
