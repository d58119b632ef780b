import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from '../errors';
import { Registry } from '../plugin/registry';
import { fakePlugin } from '../plugin/test-fixtures';
import { loadConfig, TYPESCRIPT_NEEDED, typescriptConfigLoader } from './load';
import { resolveConfigComponents } from './resolve';
import { configErrorMessages } from './test-helpers';
import { keyPath, validateConfigStructure } from './validate';

function tempProject(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-config-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

const messages = configErrorMessages;

describe('config structure', () => {
  it('turns JSON pointers into key paths', () => {
    expect(keyPath('', '/schedules/2/ratio')).toBe('schedules[2].ratio');
    expect(keyPath('pruners[0]', '/plan')).toBe('pruners[0].plan');
    expect(keyPath('', '')).toBe('');
  });

  it('accepts a full config', () => {
    expect(() =>
      validateConfigStructure({
        plugins: ['snip', './local.js'],
        dataset: { use: 'fashion-mnist', trainSize: 1000 },
        model: 'vgg-small',
        original: { preset: 'cifar', epochs: 10, batchSize: 64 },
        pruners: [{ use: 'l1', plan: 'uniform' }, 'random'],
        schedules: ['ft', 'lrw', 'slr', { use: 'clr', cycleMomentum: false }],
        budgets: [4, 8],
        seeds: [0, 1, 2],
        backend: 'wasm',
        workers: 2,
        out: 'results',
      }),
    ).not.toThrow();
  });

  it('names a typo\'d key and the key it probably meant', () => {
    expect(messages(() => validateConfigStructure({ schedles: ['ft'] }))).toEqual([
      expect.stringMatching(/^schedles: unknown key "schedles" — did you mean "schedules"\?/),
    ]);
    expect(messages(() => validateConfigStructure({ original: { epoch: 3 } }))[0]).toMatch(
      /^original\.epoch: unknown key "epoch" — did you mean "epochs"\?/,
    );
  });

  it('gives key paths, types, ranges and enum suggestions, all at once', () => {
    const found = messages(() =>
      validateConfigStructure({ budgets: [10, -1], backend: 'wasmm', workers: 'two', schedules: ['ft', { cycleMomentum: true }] }),
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^budgets\[1\]: must be >= 1 \(got -1\)/),
        expect.stringMatching(/^backend: "wasmm" is not one of .* — did you mean "wasm"\?/),
        expect.stringMatching(/^workers: must be integer \(got "two"\)/),
        expect.stringMatching(/^schedules\[1\]\.use: is required/),
      ]),
    );
  });

  it('checks component names and options against the registry', () => {
    const registry = new Registry();
    registry.add(fakePlugin(), { packageName: 'prunebench-plugin-fake' });
    const found = messages(() =>
      resolveConfigComponents(
        { schedules: ['fake-constant', 'clr', 'clrr', { use: 'fake-constant', lr: 0 }, { use: 'clr', lrr: 1 }] },
        registry,
      ),
    );
    expect(found).toEqual([
      expect.stringMatching(/^schedules\[2\]: unknown schedule "clrr" — did you mean "clr"\?/),
      expect.stringMatching(/^schedules\[3\]\.lr: must be > 0 \(got 0\) \(options of schedule "fake-constant"\)/),
      expect.stringMatching(/^schedules\[4\]\.lrr: unknown key "lrr" — did you mean "lr"\?/),
    ]);
    const ok = resolveConfigComponents({ schedules: [{ use: 'clr', lr: 0.2 }, 'clr'] }, registry);
    expect(ok.schedules).toEqual([
      { id: 'clr', options: { lr: 0.2 } },
      { id: 'clr', options: { lr: 0.01 } },
    ]);
  });
});

describe('loadConfig (cosmiconfig)', () => {
  it.each([
    ['prunebench.config.json', JSON.stringify({ budgets: [3] })],
    ['prunebench.config.yaml', 'budgets:\n  - 3\n'],
    ['.prunebenchrc', '{"budgets": [3]}'],
    ['prunebench.config.js', 'module.exports = { budgets: [3] };'],
    ['prunebench.config.cjs', 'module.exports = { budgets: [3] };'],
    ['prunebench.config.ts', 'const config: { budgets: number[] } = { budgets: [3] };\nexport default config;\n'],
    ['package.json', JSON.stringify({ name: 'x', prunebench: { budgets: [3] } })],
  ])('finds %s', async (file, text) => {
    const root = tempProject({ [file]: text });
    const loaded = await loadConfig({ cwd: root });
    expect(loaded?.config).toEqual({ budgets: [3] });
    expect(fs.realpathSync(loaded!.dir)).toBe(fs.realpathSync(root));
    expect(path.basename(loaded!.filepath)).toBe(file);
  });

  it('returns null when there is no config', async () => {
    const root = tempProject({ 'package.json': JSON.stringify({ name: 'empty' }) });
    expect(await loadConfig({ cwd: root })).toBeNull();
  });

  it('refuses a missing --config file, an empty one, and an invalid one with the file name', async () => {
    const root = tempProject({ 'bad.json': JSON.stringify({ seeds: ['a'] }), 'empty.yaml': '', 'broken.json': '{' });
    await expect(loadConfig({ cwd: root, file: 'nope.json' })).rejects.toThrow(UsageError);
    await expect(loadConfig({ cwd: root, file: 'nope.json' })).rejects.toThrow(/config file not found: .*nope\.json/);
    await expect(loadConfig({ cwd: root, file: 'empty.yaml' })).rejects.toThrow(/empty\.yaml: the config file is empty/);
    await expect(loadConfig({ cwd: root, file: 'broken.json' })).rejects.toThrow(/broken\.json: cannot read the config/);
    await expect(loadConfig({ cwd: root, file: 'bad.json' })).rejects.toThrow(/bad\.json: seeds\[0\]: must be integer/);
  });
});

describe('TypeScript configs', () => {
  it('say that `typescript` is needed, and how to install it, when it is missing', () => {
    const root = tempProject({ 'prunebench.config.ts': 'export default { budgets: [3] };\n' });
    const file = path.join(root, 'prunebench.config.ts');
    const missing = typescriptConfigLoader(() => {
      throw Object.assign(new Error("Cannot find module 'typescript'"), { code: 'MODULE_NOT_FOUND' });
    });
    expect(() => missing(file, fs.readFileSync(file, 'utf8'))).toThrow(UsageError);
    expect(() => missing(file, fs.readFileSync(file, 'utf8'))).toThrow(`${file}: ${TYPESCRIPT_NEEDED}`);
    expect(TYPESCRIPT_NEEDED).toMatch(/npm install --save-dev typescript/);
  });

  it('load when it is there', () => {
    const root = tempProject({ 'prunebench.config.ts': 'const budgets: number[] = [3];\nexport default { budgets };\n' });
    const file = path.join(root, 'prunebench.config.ts');
    expect(typescriptConfigLoader()(file, fs.readFileSync(file, 'utf8'))).toEqual({ budgets: [3] });
  });
});
