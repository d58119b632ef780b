/** The kinds of component a plugin can contribute. */
export const COMPONENT_KINDS = ['pruner', 'criterion', 'weight-score', 'plan', 'regularizer', 'schedule', 'model', 'dataset'] as const;
export type ComponentKind = (typeof COMPONENT_KINDS)[number];

/** A JSON Schema (draft 2020-12 / draft-07 subset that ajv understands). */
export type JsonSchema = Record<string, unknown>;

/**
 * A component class: `@injectable()`, a static `id` (the name configs use) and an options
 * schema. Its constructor takes `@inject(OPTIONS)` for its validated options, plus whatever
 * else it needs by token (REGISTRY, COMPONENTS, RNG, LEDGER).
 */
export interface ComponentClass<T = unknown> {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  new (...args: any[]): T;
  /** The name a config uses, e.g. `"l1"`. Lower-case, `[a-z0-9-]`. */
  readonly id: string;
  /** One line for `prunebench plugins`. */
  readonly description?: string;
  /**
   * JSON Schema of the options object (the keys of a config entry other than `use`).
   * Omitted means the component takes no options.
   */
  readonly optionsSchema?: JsonSchema;
}
