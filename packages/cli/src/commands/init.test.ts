import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setupPlugins } from '@prunebench/core';
import { resolveConfigComponents } from '@prunebench/core/config';
import { extractIterative, loadConfig } from '@prunebench/harness';
import { builtinPlugins } from '../builtins';
import { main } from '../main';
import { collectingIo } from '../test-io';

describe('prunebench init', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-init-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'prunebench.config.yaml');

  it('writes a commented config with the $schema line, valid as written', async () => {
    const io = collectingIo();
    expect(await main(['init', '--file', file, '--pruners', 'l1,random,magnitude', '--schedules', 'ft,clr', '--budgets', '1,2', '--seeds', '0,1'], io)).toBe(0);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=./node_modules/@prunebench/cli/config.schema.json');
    expect(text).toMatch(/^\$schema: \.\/node_modules\/@prunebench\/cli\/config\.schema\.json$/m);
    // Every key is explained.
    for (const key of ['dataset', 'model', 'original', 'pruners', 'schedules', 'budgets', 'seeds', 'out']) expect(text).toMatch(new RegExp(`^# .*\\n${key.replace('$', '\\$')}:`, 'm'));
    expect(fs.existsSync(path.join(__dirname, '..', '..', 'config.schema.json'))).toBe(true);
    // Checked as `prunebench run` checks a config: structure, components, their options.
    const loaded = await loadConfig({ file, deferStructureCheck: false });
    const { registry } = await setupPlugins({ builtins: builtinPlugins(), config: loaded });
    expect(() => resolveConfigComponents(extractIterative(loaded!.config, registry, file).config, registry, file)).not.toThrow();
    expect(loaded!.config).toMatchObject({ model: 'vgg-small', schedules: ['ft', 'clr'], budgets: [1, 2], seeds: [0, 1] });
  });

  it('dry-runs as written: the study it describes opens, and its runs are listed', async () => {
    const io = collectingIo({ columns: 200 });
    expect(await main(['run', '--dry-run', '--config', file], io)).toBe(0);
    // 2 seeds × (1 original + 3 prunes + 3 pruners × 2 schedules × 2 budgets) = 32 runs.
    expect(io.stdout()).toMatch(/Study: 32 runs, 0 already done, 32 to run; results in .*results\/vgg-small-fashion-mnist/);
    expect(fs.existsSync(path.join(dir, 'results'))).toBe(false);
  }, 120_000);

  it('refuses an unknown id (naming the closest), a file that exists, and a non-YAML file name', async () => {
    const unknown = collectingIo();
    expect(await main(['init', '--file', path.join(dir, 'other.yaml'), '--model', 'resnet2'], unknown)).toBe(2);
    expect(unknown.stderr()).toMatch(/--model: unknown id "resnet2" — did you mean "resnet20"\?/);
    const exists = collectingIo();
    expect(await main(['init', '--file', file], exists)).toBe(2);
    expect(exists.stderr()).toMatch(/exists: give --force/);
    expect(await main(['init', '--file', path.join(dir, 'c.json')], collectingIo())).toBe(2);
    expect(fs.existsSync(path.join(dir, 'other.yaml'))).toBe(false);
  });
});
