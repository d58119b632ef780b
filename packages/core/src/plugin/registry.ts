import type { ComponentClass, ComponentKind } from '../interfaces/component';
import { COMPONENT_KINDS } from '../interfaces/component';
import { DuplicateComponentError, InvalidPluginError, PluginApiVersionError, UnknownComponentError } from '../errors';
import { didYouMean } from '../util/did-you-mean';
import { PLUGIN_API_VERSION, PLUGIN_FIELDS, type PrunebenchPlugin } from './plugin';
import { registerLayerRule, validateLayerRule } from '../graph/layer-rules';

/** Where a plugin came from, for messages and `prunebench plugins`. */
export interface PluginSource {
  /** The package it was loaded from (or `(config)` for an object passed in a config). */
  packageName: string;
  packageVersion?: string;
  /** The file it was loaded from, when loaded by name. */
  resolvedPath?: string;
}

export interface RegisteredPlugin {
  plugin: PrunebenchPlugin;
  source: PluginSource;
}

export interface RegisteredComponent {
  kind: ComponentKind;
  id: string;
  componentClass: ComponentClass;
  plugin: RegisteredPlugin;
}

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;
const PRUNER_NAMESPACE: ComponentKind[] = ['pruner', 'criterion', 'weight-score'];

/**
 * Every component of every loaded plugin, by kind and id. Refuses a plugin for another API
 * version, a malformed one, and an id claimed twice, with messages that name the plugins.
 */
export class Registry {
  private readonly plugins: RegisteredPlugin[] = [];
  private readonly components = new Map<ComponentKind, Map<string, RegisteredComponent>>(
    COMPONENT_KINDS.map((kind) => [kind, new Map()]),
  );

  add(plugin: PrunebenchPlugin, source: PluginSource): RegisteredPlugin {
    const label = describePlugin(plugin, source);
    validatePluginShape(plugin, label);
    if (plugin.apiVersion !== PLUGIN_API_VERSION) {
      throw new PluginApiVersionError(
        `${label} was written for plugin API ${plugin.apiVersion}, but this prunebench speaks API ` +
          `${PLUGIN_API_VERSION}. Install a version of the plugin made for API ${PLUGIN_API_VERSION} ` +
          `(or a prunebench that speaks API ${plugin.apiVersion}).`,
      );
    }
    const entry: RegisteredPlugin = { plugin, source };
    for (const rule of plugin.layerRules ?? []) validateLayerRule(rule, label);
    // Check every id before adding any, so a refused plugin leaves the registry unchanged.
    const additions: RegisteredComponent[] = [];
    for (const kind of COMPONENT_KINDS) {
      const seen = new Set<string>();
      for (const componentClass of componentsOf(plugin, kind)) {
        const id = componentClass.id;
        const existing = this.components.get(kind)!.get(id);
        if (existing || seen.has(id)) {
          const other = existing ? describePlugin(existing.plugin.plugin, existing.plugin.source) : label;
          throw new DuplicateComponentError(
            `${kind} id "${id}" is claimed twice: by ${other} and by ${label}. ` +
              `Remove one of the plugins from the config, or rename the ${kind} in your plugin.`,
          );
        }
        seen.add(id);
        additions.push({ kind, id, componentClass, plugin: entry });
      }
    }
    // Pruners, criteria and weight scores share one namespace: a config's pruners list names all three.
    for (const addition of additions.filter((a) => PRUNER_NAMESPACE.includes(a.kind))) {
      const clash = PRUNER_NAMESPACE.filter((k) => k !== addition.kind).find((k) => this.components.get(k)!.has(addition.id) || additions.some((a) => a.kind === k && a.id === addition.id));
      if (clash) {
        throw new DuplicateComponentError(
          `${addition.kind} id "${addition.id}" is also a ${clash} id: a config's "pruners" list names pruners, criteria and weight scores alike, so their ids must differ. Rename one of them.`,
        );
      }
    }
    for (const addition of additions) this.components.get(addition.kind)!.set(addition.id, addition);
    for (const rule of plugin.layerRules ?? []) registerLayerRule(rule);
    this.plugins.push(entry);
    return entry;
  }

  has(kind: ComponentKind, id: string): boolean {
    return this.components.get(kind)!.has(id);
  }

  /** The component, or an UnknownComponentError that lists the known ids and the closest one. */
  get(kind: ComponentKind, id: string): RegisteredComponent {
    const found = this.components.get(kind)!.get(id);
    if (found) return found;
    throw new UnknownComponentError(this.unknownMessage(kind, id));
  }

  /** `unknown schedule "clrr" — did you mean "clr"? (known: ...)`, for config messages too. */
  unknownMessage(kind: ComponentKind, id: string): string {
    // A pruners-list entry may name a criterion or weight score too: list them with the pruners.
    const kinds: ComponentKind[] = kind === 'pruner' ? PRUNER_NAMESPACE : [kind];
    const known = kinds.flatMap((k) => this.ids(k)).sort();
    const suggestion = didYouMean(id, known);
    const what = kind === 'pruner' ? 'pruners and criteria' : `${kind}s`;
    const list = known.length ? `known ${what}: ${known.join(', ')}` : `no ${what} are registered`;
    return `unknown ${kind} "${id}"${suggestion} (${list}; plugins add more)`;
  }

  ids(kind: ComponentKind): string[] {
    return [...this.components.get(kind)!.keys()].sort();
  }

  list(kind?: ComponentKind): RegisteredComponent[] {
    const kinds = kind ? [kind] : COMPONENT_KINDS;
    return kinds.flatMap((k) => [...this.components.get(k)!.values()]);
  }

  listPlugins(): readonly RegisteredPlugin[] {
    return this.plugins;
  }
}

export function componentsOf(plugin: PrunebenchPlugin, kind: ComponentKind): ComponentClass[] {
  return (plugin[PLUGIN_FIELDS[kind]] as ComponentClass[] | undefined) ?? [];
}

function describePlugin(plugin: Partial<PrunebenchPlugin>, source: PluginSource): string {
  const name = typeof plugin?.name === 'string' ? plugin.name : source.packageName;
  return name === source.packageName ? `plugin "${name}"` : `plugin "${name}" (from ${source.packageName})`;
}

function validatePluginShape(plugin: PrunebenchPlugin, label: string): void {
  const problems: string[] = [];
  if (typeof plugin !== 'object' || plugin === null) {
    throw new InvalidPluginError(`${label} is not an object: a plugin's default export must be a plugin object`);
  }
  if (typeof plugin.name !== 'string' || !plugin.name) problems.push('"name" must be a non-empty string');
  if (typeof plugin.version !== 'string') problems.push('"version" must be a string');
  if (typeof plugin.apiVersion !== 'number') {
    problems.push(`"apiVersion" must be a number (this prunebench speaks ${PLUGIN_API_VERSION})`);
  }
  for (const kind of COMPONENT_KINDS) {
    const field = PLUGIN_FIELDS[kind];
    const value = plugin[field];
    if (value === undefined) continue;
    if (!Array.isArray(value)) {
      problems.push(`"${field}" must be an array of ${kind} classes`);
      continue;
    }
    value.forEach((componentClass, i) => {
      if (typeof componentClass !== 'function') {
        problems.push(`${field}[${i}] must be a class`);
      } else if (typeof componentClass.id !== 'string' || !ID_PATTERN.test(componentClass.id)) {
        problems.push(
          `${field}[${i}] (${componentClass.name || 'anonymous'}) needs a static "id" of lower-case letters, ` +
            `digits, "-", "." or "_" (got ${JSON.stringify(componentClass.id)})`,
        );
      }
    });
  }
  if (problems.length) {
    throw new InvalidPluginError(`${label} is not a valid prunebench plugin: ${problems.join('; ')}`);
  }
}
