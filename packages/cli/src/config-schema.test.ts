// config.schema.json, what an editor checks a config against, must agree with the CLI: composed
// from the built-in components' own schemas, strict-mode clean, up to date, and accepting every
// example of the docs while refusing what the CLI refuses.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv from 'ajv';
import { ConfigErrors, setupPlugins, type PrunebenchConfig } from '@prunebench/core';
import { resolveConfigComponents } from '@prunebench/core/config';
import { defineStudy } from '@prunebench/harness';
import { builtinPlugins } from './builtins';
import { configSchemaForEditors } from './config-schema';
import { docConfigExamples, parse } from './test-docs';

const shipped = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'config.schema.json'), 'utf8'));
const validate = new Ajv({ strict: true, allErrors: true }).compile(shipped);

/** What the CLI says: the config's structure, components, and the original recipe a study needs. */
async function cliAccepts(config: PrunebenchConfig): Promise<boolean> {
  const { registry } = await setupPlugins({ builtins: builtinPlugins() });
  try {
    // Completed with defaults for what is not under test, as a study needs them.
    const study = { dataset: 'synthetic', model: 'lenet5', pruners: [{ use: 'l1', plan: 'pfec-a' }], schedules: ['ft'], budgets: [1], ...structuredClone(config) } as PrunebenchConfig;
    defineStudy(study, resolveConfigComponents(study, registry), { file: null, dir: '/tmp' });
    return true;
  } catch (error) {
    if (error instanceof ConfigErrors) return false;
    throw error;
  }
}

describe('config.schema.json', () => {
  it('is up to date with the components it is composed from (run `npm run schema` after changing one)', async () => {
    expect(shipped).toEqual(JSON.parse(JSON.stringify(await configSchemaForEditors())));
  });

  it('compiles under ajv strict mode', () => {
    expect(() => new Ajv({ strict: true }).compile(shipped)).not.toThrow();
  });

  it('names the built-in ids with their descriptions', () => {
    const schedules = JSON.stringify(shipped.then.properties.schedules);
    for (const id of ['ft', 'lrw', 'slr', 'clr', 'cosine', 'warmup']) expect(schedules).toContain(`"const":"${id}"`);
    expect(schedules).toMatch(/"const":"clr","description":"[^"]+"/);
  });

  it.each(docConfigExamples.map((e) => [e.where, e] as const))('accepts the docs example %s', (_where, example) => {
    const config = parse(example);
    expect(validate(config) ? [] : validate.errors).toEqual([]);
  });

  const cases: Array<[string, Record<string, unknown>, boolean]> = [
    ['the plan shorthand', { pruners: [{ use: 'l1', plan: 'uniform', ratio: 0.5 }] }, true],
    ['a plan entry', { pruners: [{ use: 'taylor', plan: { use: 'global', ratio: 0.4 }, batches: 2 }] }, true],
    ['a plan id alone', { pruners: [{ use: 'l1', plan: 'pfec-a' }, 'random'] }, true],
    ['weight-level options', { pruners: [{ use: 'magnitude', sparsity: 0.9 }] }, true],
    ['schedule options and labels', { schedules: ['ft', { use: 'clr', cycleMomentum: false, label: 'clr-flat' }] }, true],
    ['an unknown schedule id', { schedules: ['clrr'] }, false],
    ['an unknown schedule option', { schedules: [{ use: 'clr', lrr: 1 }] }, false],
    ['an unknown pruner', { pruners: [{ use: 'snip', plan: 'uniform' }] }, false],
    ['an out-of-range plan option', { pruners: [{ use: 'l1', plan: { use: 'uniform', ratio: 1.5 } }] }, false],
    ['a plan option beside a plan that has none by that name', { pruners: [{ use: 'l1', plan: 'pfec-a', ratio: 0.5 }] }, false],
    ['a plan with a compression target', { pruners: [{ use: 'l1', plan: { use: 'global', target: { macs: 0.5 } } }] }, true],
    ['a shorthand with a compression target', { pruners: [{ use: 'l1', plan: 'uniform', target: { speedup: 2 } }] }, true],
    ['a plan with both a ratio and a target', { pruners: [{ use: 'l1', plan: { use: 'global', ratio: 0.5, target: { macs: 0.5 } } }] }, false],
    ['a target naming two quantities', { pruners: [{ use: 'l1', plan: { use: 'global', target: { macs: 0.5, params: 0.5 } } }] }, false],
    ['a shorthand missing the plan\'s required option', { pruners: [{ use: 'l1', plan: 'uniform' }] }, false],
    ['an unknown plan', { pruners: [{ use: 'l1', plan: 'unifrom' }] }, false],
    ['an unknown model option', { model: { use: 'vgg-small', widthz: [4] } }, false],
    ['a dataset option of the wrong type', { dataset: { use: 'synthetic', trainSize: 'many' } }, false],
    ['an original recipe without lr, milestones, gamma', { original: { epochs: 3 } }, false],
    ['an original preset with overrides', { original: { preset: 'cifar', batchSize: 32 } }, true],
  ];
  it.each(cases)('agrees with the CLI on %s (accepted: %p)', async (_what, config, accepted) => {
    const cli = await cliAccepts(config as PrunebenchConfig);
    expect({ editor: validate(config), cli }).toEqual({ editor: accepted, cli: accepted });
  });
});
