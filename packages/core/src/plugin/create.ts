import type { DependencyContainer } from 'tsyringe';
import type { ComponentKind } from '../interfaces/component';
import { COMPONENTS, OPTIONS } from '../tokens';
import { resolveComponentRef, splitComponentRef, validateOptions } from '../config/validate';
import { expandPlanShorthand, takesPlan } from '../config/plan-entry';
import { resolvePrunerEntry } from './compose';
import type { Registry } from './registry';

/** A component as a config entry names it: `"pfec-a"` or `{ "use": "uniform", "ratio": 0.5 }`. */
export type ComponentEntryRef = string | { use: string; [key: string]: unknown };

/**
 * Makes nested components — a pruner's plan and criterion, a warm-up's inner schedule — in the
 * container of the component asking, so they get the same run tokens. Inject it as
 * `@inject(COMPONENTS) components: ComponentFactory`: the one way to create a nested component.
 */
export interface ComponentFactory {
  /** `optionKey` (e.g. `"plan"`) names the option the entry came from, in error messages. */
  create<T>(kind: ComponentKind, entry: ComponentEntryRef, optionKey?: string): T;
}

/**
 * Makes one instance of a registered component with the given options: validated against its
 * schema (defaults filled), then constructed in a child container where OPTIONS holds them and
 * COMPONENTS makes its nested components, so its other constructor parameters (RNG, LEDGER, ...)
 * come from the surrounding container. A `pruner` id may name a criterion (or weight score):
 * then the pruner composing that kind is made around it.
 */
export function createComponent<T>(
  container: DependencyContainer,
  registry: Registry,
  kind: ComponentKind,
  id: string,
  options: Record<string, unknown> = {},
): T {
  const target = kind === 'pruner' ? resolvePrunerEntry(registry, id, options).pruner : { id, options };
  const { componentClass } = registry.get(kind, target.id);
  const given = takesPlan(componentClass.optionsSchema) ? expandPlanShorthand(registry, componentClass.optionsSchema, target.options) : target.options;
  const validated = validateOptions(componentClass.optionsSchema, given, '', `${kind} "${target.id}"`);
  const child = container.createChildContainer();
  child.register(OPTIONS, { useValue: validated });
  const components: ComponentFactory = {
    create: <C>(nestedKind: ComponentKind, entry: ComponentEntryRef, optionKey?: string) => {
      const ref = optionKey ? resolveComponentRef(registry, nestedKind, entry, optionKey) : splitComponentRef(entry);
      return createComponent<C>(child, registry, nestedKind, ref.id, ref.options);
    },
  };
  child.register(COMPONENTS, { useValue: components });
  return child.resolve(componentClass) as T;
}
