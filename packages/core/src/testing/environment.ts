import * as tf from '@tensorflow/tfjs-core';
import type { DependencyContainer } from 'tsyringe';
import type { ComponentClass, ComponentKind } from '../interfaces/component';
import { PLUGIN_API_VERSION, PLUGIN_FIELDS, type PrunebenchPlugin } from '../plugin/plugin';
import { Registry } from '../plugin/registry';
import { createComponent } from '../plugin/create';
import { pluginContainer } from '../plugin/containers';

/** What every `describe…Conformance` takes besides its kind's own arguments. */
export interface ConformanceSubject<C extends ComponentClass = ComponentClass> {
  /** The component class under test. */
  componentClass: C;
  /**
   * Options the checks construct it with (the keys of a config entry other than `use`).
   * Default `{}`: then the class must be constructible with its defaults alone.
   */
  options?: Record<string, unknown>;
  /**
   * Options that must be refused (each one, on its own). The kit adds its own: an unknown key,
   * and a wrong type for every declared option that has a `type`.
   */
  invalidOptions?: Array<Record<string, unknown>>;
  /**
   * Plugins registered before the component, for what it looks up in the registry — e.g. the
   * built-in pruners plugin for its plans. If the class is in one of them it is tested there.
   */
  plugins?: PrunebenchPlugin[];
}


/** A registry and container holding the subject (and the plugins it needs), as the CLI sets them up. */
export interface ConformanceEnvironment {
  registry: Registry;
  container: DependencyContainer;
  /** Makes a fresh instance with `options` (validated, defaults filled), as the harness does. */
  create<T>(options?: Record<string, unknown>): T;
}

export function conformanceEnvironment(kind: ComponentKind, subject: ConformanceSubject): ConformanceEnvironment {
  const registry = new Registry();
  const plugins = subject.plugins ?? [];
  plugins.forEach((plugin, i) => registry.add(plugin, { packageName: plugin.name ?? `plugin ${i}`, packageVersion: plugin.version }));
  const { componentClass } = subject;
  const present = registry.has(kind, componentClass.id) && registry.get(kind, componentClass.id).componentClass === componentClass;
  if (!present) {
    const wrapper: PrunebenchPlugin = {
      name: 'prunebench-conformance-subject',
      version: '0.0.0',
      apiVersion: PLUGIN_API_VERSION,
      [PLUGIN_FIELDS[kind]]: [componentClass],
    };
    registry.add(wrapper, { packageName: wrapper.name });
  }
  // The container the CLI and the harness make components in, tokens included.
  const container = pluginContainer(registry);
  return {
    registry,
    container,
    create: <T>(options = subject.options ?? {}) => createComponent<T>(container, registry, kind, componentClass.id, options),
  };
}

/** Selects tfjs's pure-JS `cpu` backend: the same numbers on every machine, nothing native to load. */
export async function useCpuBackend(): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('@tensorflow/tfjs-backend-cpu');
  if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
  await tf.ready();
}

/** Runs `work` and fails if it leaves tensors behind (`tf.memory().numTensors` changed). */
export async function expectNoLeakedTensors<T>(what: string, work: () => Promise<T> | T): Promise<T> {
  const before = tf.memory().numTensors;
  const result = await work();
  const after = tf.memory().numTensors;
  if (after !== before) {
    throw new Error(`${what} leaked ${after - before} tensor(s) (tf.memory().numTensors went ${before} → ${after}): dispose them, or wrap the work in tf.tidy`);
  }
  return result;
}
