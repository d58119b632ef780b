import { main } from '../main';
import type { Io } from '../io';

function collectingIo(): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    isTTY: false,
    out: (text: string) => void (io.stdout += text),
    err: (text: string) => void (io.stderr += text),
  };
  return io;
}

describe('prunebench bench', () => {
  it('--json prints one document with the figures per model and backend', async () => {
    const io = collectingIo();
    const code = await main(
      ['bench', '--json', '--backends', 'wasm,wasm-accelerated,tensorflow', '--models', 'reference-cnn', '--batch', '2', '--warmup', '0', '--steps', '1'],
      io,
    );
    expect(code).toBe(0);
    const report = JSON.parse(io.stdout);
    const row = report.models['reference-cnn'];
    expect(row['wasm-accelerated'].imagesPerSecond).toBeGreaterThan(0);
    expect(row['wasm-accelerated'].gflops).toBeGreaterThan(0);
    expect(row.wasm).toMatchObject({ status: 'cannot run', imagesPerSecond: null });
    expect(row.tensorflow).toMatchObject({ status: 'unavailable' });
    expect(report.forwardConvGflops['wasm-accelerated']).toBeGreaterThan(0);
    expect(report.ratios['reference-cnn'].trainingOverForwardConv['wasm-accelerated']).toBeGreaterThan(0);
    expect(report.models.resnet20).toBeUndefined();
    expect(report.devices['wasm-accelerated']).toMatch(/^CPU \(/);
  });

  it('measures webgpu through its provider, naming the adapter, or says why it is unavailable', async () => {
    const io = collectingIo();
    expect(await main(['bench', '--json', '--backends', 'webgpu', '--models', 'reference-cnn', '--batch', '1', '--warmup', '0', '--steps', '1'], io)).toBe(0);
    const report = JSON.parse(io.stdout);
    const figures = report.models['reference-cnn'].webgpu;
    if (figures.status === 'unavailable') expect(figures.reason).toMatch(/not installed|Vulkan|adapter/);
    else expect(report.devices.webgpu).toMatch(/\S/);
  });

  it('prints a table without --json', async () => {
    const io = collectingIo();
    expect(await main(['bench', '--backends', 'wasm-accelerated', '--models', 'reference-cnn', '--batch', '1', '--warmup', '0', '--steps', '1'], io)).toBe(0);
    expect(io.stdout).toMatch(/reference-cnn\nbackend\s+images\/s/);
    expect(io.stdout).toMatch(/wasm-accelerated\s+\d/);
  });

  it('refuses an unknown backend with exit code 2 and a suggestion', async () => {
    const io = collectingIo();
    expect(await main(['bench', '--backends', 'wasm-accelerate'], io)).toBe(2);
    expect(io.stderr).toMatch(/unknown backend "wasm-accelerate".*wasm-accelerated/);
  });
});
