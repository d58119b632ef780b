import type { JsonSchema } from '../interfaces/component';
import type { Registry } from '../plugin/registry';

/**
 * A structured pruner names its plan in a `plan` option: `"pfec-a"`, `{ "use": "uniform", "ratio": 0.5 }`,
 * or — the shorthand — the plan's id with the plan's options beside it:
 * `{ "use": "l1", "plan": "uniform", "ratio": 0.5 }`. This file gives that convention one meaning
 * for validation, resolution and the editor schema.
 */

function declaredKeys(schema: JsonSchema | undefined): Set<string> {
  return new Set(Object.keys((schema?.properties as Record<string, unknown> | undefined) ?? {}));
}

/** Whether a component's options take a plan (it declares a `plan` option). */
export function takesPlan(schema: JsonSchema | undefined): boolean {
  return declaredKeys(schema).has('plan');
}

/**
 * Moves the plan's options written beside a plan id into the plan entry:
 * `{ plan: "uniform", ratio: 0.5 }` → `{ plan: { use: "uniform", ratio: 0.5 } }`. A key the
 * pruner declares stays the pruner's; a key neither declares stays too (and is refused as unknown).
 */
export function expandPlanShorthand(registry: Registry, prunerSchema: JsonSchema | undefined, options: Record<string, unknown>): Record<string, unknown> {
  const plan = options.plan;
  if (!takesPlan(prunerSchema) || typeof plan !== 'string' || !registry.has('plan', plan)) return options;
  const prunerKeys = declaredKeys(prunerSchema);
  const planKeys = declaredKeys(registry.get('plan', plan).componentClass.optionsSchema);
  const moved = Object.keys(options).filter((key) => !prunerKeys.has(key) && planKeys.has(key));
  if (moved.length === 0) return options;
  const kept: Record<string, unknown> = {};
  const planEntry: Record<string, unknown> = { use: plan };
  for (const [key, value] of Object.entries(options)) (moved.includes(key) ? planEntry : kept)[key] = value;
  return { ...kept, plan: planEntry };
}
