import { container, inject, injectable } from 'tsyringe';
import { ConfigErrors, DuplicateComponentError, UnknownComponentError } from '../errors';
import { resolveComponentRef } from '../config/validate';
import { COMPONENTS, LEDGER, OPTIONS } from '../tokens';
import { createComponent, type ComponentFactory } from './create';
import { PLUGIN_API_VERSION, type PrunebenchPlugin } from './plugin';
import { Registry } from './registry';

@injectable()
class FixtureCriterion {
  static readonly id = 'fixture-crit';
  static readonly optionsSchema = { type: 'object', properties: { depth: { type: 'integer', minimum: 1, default: 2 } } };
  readonly requirements = { needsData: false, needsGradients: false };
  constructor(@inject(OPTIONS) readonly options: { depth: number }) {}
  score() {
    return new Float32Array();
  }
}

@injectable()
class FixturePlan {
  static readonly id = 'fixture-plan';
  constructor(@inject(OPTIONS) readonly options: Record<string, unknown>) {}
  allocate() {
    return new Map();
  }
}

/** A stand-in for the built-in structured pruner: it makes its criterion and plan through COMPONENTS. */
@injectable()
class FixtureStructured {
  static readonly id = 'structured';
  static readonly optionsSchema = { type: 'object', properties: { criterion: {}, plan: { type: 'string' } }, required: ['criterion'], additionalProperties: false };
  readonly criterion: FixtureCriterion;
  readonly plan?: FixturePlan;
  constructor(@inject(OPTIONS) readonly options: { criterion: string; plan?: string }, @inject(COMPONENTS) components: ComponentFactory) {
    this.criterion = components.create('criterion', options.criterion);
    if (options.plan) this.plan = components.create('plan', options.plan);
  }
}

const plugin = (extra: Partial<PrunebenchPlugin> = {}): PrunebenchPlugin => ({
  name: 'prunebench-plugin-fixture',
  version: '1.0.0',
  apiVersion: PLUGIN_API_VERSION,
  pruners: [FixtureStructured],
  criteria: [FixtureCriterion],
  plans: [FixturePlan],
  ...extra,
});

describe('criteria named in a pruners list', () => {
  it('a criterion id makes the composing pruner around it: pruner keys to it, the rest to the criterion', () => {
    const registry = new Registry();
    registry.add(plugin(), { packageName: 'fixture' });
    const pruner = createComponent<FixtureStructured>(container, registry, 'pruner', 'fixture-crit', { plan: 'fixture-plan', depth: 3 });
    expect(pruner).toBeInstanceOf(FixtureStructured);
    expect(pruner.criterion.options).toEqual({ depth: 3 });
    expect(pruner.plan).toBeInstanceOf(FixturePlan);
  });

  it('config validation checks both option sets with key paths, and fills defaults', () => {
    const registry = new Registry();
    registry.add(plugin(), { packageName: 'fixture' });
    expect(resolveComponentRef(registry, 'pruner', { use: 'fixture-crit', plan: 'fixture-plan' }, 'pruners[0]')).toEqual({ id: 'fixture-crit', options: { plan: 'fixture-plan', depth: 2 } });
    expect(() => resolveComponentRef(registry, 'pruner', { use: 'fixture-crit', depth: 0 }, 'pruners[1]')).toThrow(/pruners\[1\]\.depth/);
    expect(() => resolveComponentRef(registry, 'pruner', { use: 'fixture-crit', plan: 3 }, 'pruners[2]')).toThrow(ConfigErrors);
    expect(() => resolveComponentRef(registry, 'pruner', 'fixture-cri', 'pruners[3]')).toThrow(/unknown pruner "fixture-cri" — did you mean "fixture-crit"\?.*known pruners and criteria: fixture-crit, structured/);
  });

  it('without the composing pruner, says which package to load', () => {
    const registry = new Registry();
    registry.add(plugin({ pruners: [] }), { packageName: 'fixture' });
    expect(() => createComponent(container, registry, 'pruner', 'fixture-crit', {})).toThrow(UnknownComponentError);
    expect(() => createComponent(container, registry, 'pruner', 'fixture-crit', {})).toThrow(/@prunebench\/pruners/);
  });

  it('pruner, criterion and weight-score ids share one namespace', () => {
    @injectable()
    class Clash {
      static readonly id = 'fixture-crit';
    }
    const registry = new Registry();
    expect(() => registry.add(plugin({ pruners: [FixtureStructured, Clash] }), { packageName: 'fixture' })).toThrow(DuplicateComponentError);
    expect(registry.listPlugins()).toHaveLength(0);
  });

  it('nested components are made in the asking component\'s container (run tokens reach them)', () => {
    @injectable()
    class NeedsLedger {
      static readonly id = 'needs-ledger';
      readonly requirements = { needsData: false, needsGradients: false };
      constructor(@inject(LEDGER) readonly ledger: unknown) {}
      score() {
        return new Float32Array();
      }
    }
    const registry = new Registry();
    registry.add(plugin({ criteria: [NeedsLedger] }), { packageName: 'fixture' });
    const run = container.createChildContainer();
    const ledger = { marker: true };
    run.register(LEDGER, { useValue: ledger });
    const pruner = createComponent<FixtureStructured>(run, registry, 'pruner', 'needs-ledger', {});
    expect((pruner.criterion as unknown as NeedsLedger).ledger).toBe(ledger);
  });
});
