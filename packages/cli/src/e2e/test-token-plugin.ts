// A plugin whose components inject every token docs/writing-a-plugin.md §4 says a component may
// inject, and record what they got: the test building them through every path that makes components.
import { inject, injectable } from 'tsyringe';
import {
  COMPONENTS,
  LEDGER,
  OPTIONS,
  REGISTRY,
  RNG,
  definePlugin,
  originalLrSummary,
  expandPerStep,
  PLUGIN_API_VERSION,
  Registry,
  Rng,
  type Budget,
  type ComponentFactory,
  type Criterion,
  type CriterionContext,
  type Ledger,
  type OriginalRecipe,
  type PruningGroup,
  type Schedule,
} from '@prunebench/core';

/** What one constructed component was given, and whether its run's ledger was the one it injected. */
export interface Injected {
  component: string;
  rng: boolean;
  ledger: boolean;
  registry: boolean;
  components: boolean;
  /** Set when the component is used in a prune: the context's ledger is the injected one. */
  sameLedgerAsContext?: boolean;
}
export const injected: Injected[] = [];

function record(component: string, rng: unknown, ledger: unknown, registry: unknown, components: unknown): Injected {
  const entry: Injected = {
    component,
    rng: rng instanceof Rng,
    ledger: typeof (ledger as Ledger | undefined)?.charge === 'function',
    registry: registry instanceof Registry,
    components: typeof (components as ComponentFactory | undefined)?.create === 'function',
  };
  injected.push(entry);
  return entry;
}

@injectable()
export class TokenProbeCriterion implements Criterion {
  static readonly id = 'token-probe';
  static readonly optionsSchema = { type: 'object', properties: {}, additionalProperties: false };
  readonly requirements = { needsData: false, needsGradients: false };
  private readonly entry: Injected;

  constructor(
    @inject(OPTIONS) readonly options: Record<string, never>,
    @inject(RNG) private readonly rng: Rng,
    @inject(LEDGER) private readonly ledger: Ledger,
    @inject(REGISTRY) registry: Registry,
    @inject(COMPONENTS) components: ComponentFactory,
  ) {
    this.entry = record('criterion', rng, ledger, registry, components);
  }

  score(group: PruningGroup, context: CriterionContext): Float32Array {
    this.entry.sameLedgerAsContext = context.ledger === this.ledger;
    return Float32Array.from({ length: group.channels }, () => this.rng.next());
  }
}

@injectable()
export class TokenProbeSchedule implements Schedule {
  static readonly id = 'token-constant';
  static readonly optionsSchema = { type: 'object', properties: {}, additionalProperties: false };

  constructor(
    @inject(OPTIONS) readonly options: Record<string, never>,
    @inject(RNG) rng: Rng,
    @inject(LEDGER) ledger: Ledger,
    @inject(REGISTRY) registry: Registry,
    @inject(COMPONENTS) components: ComponentFactory,
  ) {
    record('schedule', rng, ledger, registry, components);
  }

  compute(original: OriginalRecipe, budget: Budget) {
    const { base } = originalLrSummary(original);
    return expandPerStep(budget, () => ({ lr: base, momentum: 0.9 }));
  }
}

export default definePlugin({
  name: 'prunebench-plugin-token-probe',
  version: '0.0.1',
  apiVersion: PLUGIN_API_VERSION,
  criteria: [TokenProbeCriterion],
  schedules: [TokenProbeSchedule],
});
