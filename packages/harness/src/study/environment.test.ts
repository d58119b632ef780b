import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidPluginError, UsageError } from '@prunebench/core';
import { openStudy, openStudyFromDefinition, unloadablePlugins } from './environment';

// Built-in plugins as the CLI wires them, loaded from their TypeScript sources under jest.
const BUILTINS = ['schedules', 'pruners', 'models', 'datasets'].map((name) => path.join(__dirname, '..', '..', '..', name, 'src', 'index.ts'));

function writeConfig(dir: string, config: object): string {
  const file = path.join(dir, 'prunebench.config.json');
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}

const CONFIG = {
  dataset: { use: 'synthetic', trainSize: 64, testSize: 32 },
  model: 'lenet5',
  original: { epochs: 1, lr: 0.01, milestones: [], gamma: 0.1, batchSize: 32 },
  pruners: [{ use: 'l1', plan: { use: 'uniform', ratio: 0.5 } }],
  schedules: ['ft'],
  budgets: [1],
};

describe('openStudyFromDefinition: workers get the definition, not the config file', () => {
  it('rebuilds the same registry from the definition after the config file changed and was deleted', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-env-'));
    const file = writeConfig(dir, CONFIG);
    const env = await openStudy({ configFile: file, dir, builtinModules: BUILTINS, overrides: {} });
    expect(env.study.plugins.map((p) => p.name)).toEqual(
      expect.arrayContaining(['@prunebench/schedules', '@prunebench/pruners', '@prunebench/models', '@prunebench/datasets']),
    );
    expect(unloadablePlugins(env.study)).toEqual([]);

    // Edit the config (another model, another schedule), then remove it: the definition is what counts.
    writeConfig(dir, { ...CONFIG, model: 'vgg-small', schedules: ['clr'] });
    const definition = JSON.parse(JSON.stringify(env.study));
    fs.rmSync(file);
    const again = await openStudyFromDefinition(definition);
    expect(again.study).toEqual(env.study);
    expect(again.study.model.id).toBe('lenet5');
    const ids = (kind: 'schedule' | 'model') => (registry: typeof env.registry) => registry.list(kind).map((c) => c.id).sort();
    expect(ids('schedule')(again.registry)).toEqual(ids('schedule')(env.registry));
    expect(ids('model')(again.registry)).toEqual(ids('model')(env.registry));
  });

  it('refuses a plugin whose installed version differs from the one the study was defined with', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-env-'));
    const env = await openStudy({ configFile: writeConfig(dir, CONFIG), dir, builtinModules: BUILTINS, overrides: {} });
    const definition = structuredClone(env.study);
    definition.plugins[0] = { ...definition.plugins[0], version: '99.0.0' };
    await expect(openStudyFromDefinition(definition)).rejects.toThrow(InvalidPluginError);
    await expect(openStudyFromDefinition(definition)).rejects.toThrow(/99\.0\.0.*install the same version/);
  });

  it('names a plugin passed as an object, which a worker cannot load', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-env-'));
    const env = await openStudy({ configFile: writeConfig(dir, CONFIG), dir, builtinModules: BUILTINS, overrides: {} });
    const definition = structuredClone(env.study);
    definition.plugins.push({ name: 'inline-plugin', version: '1.0.0', module: null });
    expect(unloadablePlugins(definition)).toEqual(['inline-plugin']);
    await expect(openStudyFromDefinition(definition)).rejects.toThrow(UsageError);
    await expect(openStudyFromDefinition(definition)).rejects.toThrow(/inline-plugin.*--workers 1/);
  });
});
