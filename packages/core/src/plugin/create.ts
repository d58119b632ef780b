import type { DependencyContainer } from 'tsyringe';
import type { ComponentKind } from '../interfaces/component';
import { OPTIONS } from '../tokens';
import { validateOptions } from '../config/validate';
import { expandPlanShorthand, takesPlan } from '../config/plan-entry';
import type { Registry } from './registry';

/**
 * Makes one instance of a registered component with the given options: validated against its
 * schema (defaults filled), then constructed in a child container where OPTIONS holds them, so
 * its other constructor parameters (RNG, LEDGER, ...) come from the surrounding container.
 */
export function createComponent<T>(
  container: DependencyContainer,
  registry: Registry,
  kind: ComponentKind,
  id: string,
  options: Record<string, unknown> = {},
): T {
  const { componentClass } = registry.get(kind, id);
  const given = takesPlan(componentClass.optionsSchema) ? expandPlanShorthand(registry, componentClass.optionsSchema, options) : options;
  const validated = validateOptions(componentClass.optionsSchema, given, '', `${kind} "${id}"`);
  const child = container.createChildContainer();
  child.register(OPTIONS, { useValue: validated });
  return child.resolve(componentClass) as T;
}
