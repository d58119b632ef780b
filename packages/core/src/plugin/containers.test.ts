import 'reflect-metadata';
import { inject, injectable } from 'tsyringe';
import { LEDGER, OPTIONS, REGISTRY, RNG } from '../tokens';
import { Rng } from '../util/rng';
import { RunLedger } from '../ledger/run-ledger';
import { PLUGIN_API_VERSION } from './plugin';
import { Registry } from './registry';
import { createComponent } from './create';
import { pluginContainer, runScope } from './containers';

@injectable()
class Probe {
  static readonly id = 'probe';
  constructor(
    @inject(OPTIONS) readonly options: unknown,
    @inject(RNG) readonly rng: Rng,
    @inject(LEDGER) readonly ledger: RunLedger,
    @inject(REGISTRY) readonly registry: Registry,
  ) {}
}

function setup() {
  const registry = new Registry();
  registry.add({ name: 'probe', version: '0', apiVersion: PLUGIN_API_VERSION, schedules: [Probe] }, { packageName: 'probe' });
  return { registry, container: pluginContainer(registry) };
}

describe('pluginContainer and runScope', () => {
  it('outside a run: the registry, and a fresh seed-0 Rng and ledger for each component', () => {
    const { registry, container } = setup();
    const a = createComponent<Probe>(container, registry, 'schedule', 'probe');
    const b = createComponent<Probe>(container, registry, 'schedule', 'probe');
    expect(a.registry).toBe(registry);
    expect(a.rng).not.toBe(b.rng);
    expect(a.ledger).not.toBe(b.ledger);
    expect(a.rng.next()).toBe(new Rng(0, 'run').next());
  });

  it('in a run: one Rng of the run seed and the run ledger, shared by the components of the run', () => {
    const { registry, container } = setup();
    const ledger = new RunLedger();
    const scope = runScope(container, { seed: 7, ledger });
    const a = createComponent<Probe>(scope, registry, 'schedule', 'probe');
    const b = createComponent<Probe>(scope, registry, 'schedule', 'probe');
    expect(a.ledger).toBe(ledger);
    expect(a.rng).toBe(b.rng);
    expect(a.rng.next()).toBe(new Rng(7, 'run').next());
    expect(createComponent<Probe>(runScope(container, { seed: 8, ledger }), registry, 'schedule', 'probe').rng).not.toBe(a.rng);
  });
});
