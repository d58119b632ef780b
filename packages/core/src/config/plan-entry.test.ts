import { injectable, inject } from 'tsyringe';
import { container } from 'tsyringe';
import { OPTIONS } from '../tokens';
import { PLUGIN_API_VERSION, type PrunebenchPlugin } from '../plugin/plugin';
import { Registry } from '../plugin/registry';
import { createComponent } from '../plugin/create';
import { fakePlugin } from '../plugin/test-fixtures';
import { resolveConfigComponents } from './resolve';
import { configErrorMessages } from './test-helpers';

@injectable()
class FakeUniformPlan {
  static readonly id = 'uniform';
  static readonly optionsSchema = {
    type: 'object',
    properties: { ratio: { type: 'number', minimum: 0, exclusiveMaximum: 1 }, minChannels: { type: 'integer', minimum: 1, default: 1 } },
    required: ['ratio'],
    additionalProperties: false,
  };
  allocate(): Map<number, number> {
    return new Map();
  }
}

@injectable()
class FakeStructuredPruner {
  static readonly id = 'l1';
  static readonly optionsSchema = {
    type: 'object',
    properties: { plan: { anyOf: [{ type: 'string' }, { type: 'object', required: ['use'] }] }, batches: { type: 'integer', minimum: 1, default: 1 } },
    additionalProperties: false,
  };
  readonly requirements = { structured: true, needsData: false, needsGradients: false };
  constructor(@inject(OPTIONS) readonly options: Record<string, unknown>) {}
  async prune(): Promise<never> {
    throw new Error('not used');
  }
}

function registry(): Registry {
  const r = new Registry();
  r.add(fakePlugin(), { packageName: 'prunebench-plugin-fake' });
  const plugin: PrunebenchPlugin = { name: 'plans', version: '1.0.0', apiVersion: PLUGIN_API_VERSION, pruners: [FakeStructuredPruner as never], plans: [FakeUniformPlan as never] };
  r.add(plugin, { packageName: 'plans' });
  return r;
}

const messages = configErrorMessages;

describe('a pruner\'s plan in a config', () => {
  it('accepts the shorthand (plan options beside the plan id) and resolves it to a plan entry', () => {
    const resolved = resolveConfigComponents({ pruners: [{ use: 'l1', plan: 'uniform', ratio: 0.5 }, { use: 'l1', plan: 'uniform', ratio: 0.3, batches: 2 }] }, registry());
    expect(resolved.pruners).toEqual([
      { id: 'l1', options: { plan: { use: 'uniform', ratio: 0.5 }, batches: 1 } },
      { id: 'l1', options: { plan: { use: 'uniform', ratio: 0.3 }, batches: 2 } },
    ]);
  });

  it('means the same when a component is made directly (createComponent)', () => {
    const pruner = createComponent<FakeStructuredPruner>(container, registry(), 'pruner', 'l1', { plan: 'uniform', ratio: 0.5 });
    expect(pruner.options).toEqual({ plan: { use: 'uniform', ratio: 0.5 }, batches: 1 });
  });

  it('reports a plan option at its real key path, and a missing one', () => {
    expect(messages(() => resolveConfigComponents({ pruners: [{ use: 'l1', plan: { use: 'uniform', ratio: 1.5 } }] }, registry()))).toEqual([
      expect.stringMatching(/^pruners\[0\]\.plan\.ratio: must be < 1 \(got 1\.5\) \(options of plan "uniform"\)/),
    ]);
    expect(messages(() => resolveConfigComponents({ pruners: [{ use: 'l1', plan: 'uniform', ratio: 1.5 }] }, registry()))).toEqual([
      expect.stringMatching(/^pruners\[0\]\.plan\.ratio: must be < 1/),
    ]);
    expect(messages(() => resolveConfigComponents({ pruners: [{ use: 'l1', plan: 'uniform' }] }, registry()))).toEqual([
      expect.stringMatching(/^pruners\[0\]\.plan\.ratio: is required/),
    ]);
  });

  it('names an unknown plan with the closest known one, and a key neither pruner nor plan knows', () => {
    expect(messages(() => resolveConfigComponents({ pruners: [{ use: 'l1', plan: 'unifrom', ratio: 0.5 }, { use: 'l1', plan: { use: 'unifrom' } }] }, registry()))).toEqual([
      expect.stringMatching(/^pruners\[0\]\.ratio: unknown key "ratio"/),
      expect.stringMatching(/^pruners\[0\]\.plan: unknown plan "unifrom" — did you mean "uniform"\?/),
      expect.stringMatching(/^pruners\[1\]\.plan\.use: unknown plan "unifrom" — did you mean "uniform"\?/),
    ]);
    expect(messages(() => resolveConfigComponents({ pruners: [{ use: 'l1', plan: 'uniform', ratio: 0.5, ratoi: 1 }] }, registry()))).toEqual([
      expect.stringMatching(/^pruners\[0\]\.ratoi: unknown key "ratoi"/),
    ]);
  });

  it('reports structure and component problems in one round', () => {
    const found = messages(() =>
      resolveConfigComponents({ budgets: [0], backend: 4, pruners: [{ use: 'l1', plan: { use: 'uniform', ratio: 2 } }], schedules: ['fake-constantt', { lr: 1 }] } as never, registry()),
    );
    expect(found).toEqual([
      expect.stringMatching(/^schedules\[1\]\.use: is required/),
      expect.stringMatching(/^budgets\[0\]: must be >= 1/),
      expect.stringMatching(/^backend: must be string/),
      expect.stringMatching(/^pruners\[0\]\.plan\.ratio: must be < 1/),
      expect.stringMatching(/^schedules\[0\]: unknown schedule "fake-constantt" — did you mean "fake-constant"\?/),
    ]);
  });
});
