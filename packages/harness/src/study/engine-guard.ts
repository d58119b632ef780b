import { createHash } from 'node:crypto';
import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import type { ComponentKind, Registry } from '@prunebench/core';
import { progressed } from '../util/heartbeat';
import { oneLineError } from '../util/one-line-error';

/**
 * What the harness selected in tfjs for a run: the backend, its kernel set (each kernel's
 * function, so a kernel swapped for another is seen) and the engine flags. A plugin must leave
 * them as it found them: a run on another backend or kernels than its record names is not the run
 * its id says it is.
 */
export interface EngineState {
  backend: string;
  kernels: Map<string, tf.KernelConfig>;
  flags: Record<string, unknown>;
}

export function engineState(): EngineState {
  const backend = tf.getBackend();
  return {
    backend,
    kernels: new Map(tf.getKernelsForBackend(backend).map((k) => [k.kernelName, k])),
    flags: { ...(tf.env().getFlags() as Record<string, unknown>) },
  };
}

/** What differs between `before` and now, in words ("the backend from wasm to cpu", ...). */
export function engineChanges(before: EngineState, after: EngineState = engineState()): string[] {
  const changes: string[] = [];
  if (after.backend !== before.backend) changes.push(`the backend from ${before.backend} to ${after.backend}`);
  else {
    const replaced = [...before.kernels].filter(([name, k]) => after.kernels.get(name)?.kernelFunc !== k.kernelFunc).map(([name]) => name);
    const added = [...after.kernels.keys()].filter((name) => !before.kernels.has(name));
    if (replaced.length) changes.push(`the ${before.backend} kernels ${replaced.slice(0, 5).join(', ')}${replaced.length > 5 ? ', …' : ''} (removed or replaced)`);
    if (added.length) changes.push(`the ${before.backend} kernel set (added ${added.slice(0, 5).join(', ')}${added.length > 5 ? ', …' : ''})`);
  }
  // Flags tfjs evaluates lazily appear on first use: only those already set can have been changed.
  for (const [flag, value] of Object.entries(before.flags)) {
    const now = after.flags[flag];
    if (now !== value) changes.push(`the flag ${flag} from ${JSON.stringify(value)} to ${JSON.stringify(now)}`);
  }
  return changes;
}

/** Puts back the backend, kernels and flags of `state` (for the next run of this thread). */
export async function restoreEngine(state: EngineState): Promise<void> {
  tf.env().setFlags({ ...(tf.env().getFlags() as Record<string, unknown>), ...state.flags } as Parameters<ReturnType<typeof tf.env>["setFlags"]>[0]);
  if (tf.getBackend() !== state.backend && !(await tf.setBackend(state.backend))) {
    throw new Error(`could not select the ${state.backend} backend again`);
  }
  const now = new Map(tf.getKernelsForBackend(state.backend).map((k) => [k.kernelName, k]));
  for (const [name, kernel] of now) {
    if (state.kernels.get(name)?.kernelFunc !== kernel.kernelFunc) tf.unregisterKernel(name, state.backend);
  }
  for (const [name, kernel] of state.kernels) {
    if (now.get(name)?.kernelFunc !== kernel.kernelFunc) tf.registerKernel(kernel);
  }
}

/** A plugin's error, its first line naming the plugin (the rest of its stack kept). */
function namedError(who: string, error: unknown): Error {
  const original = error instanceof Error ? error : new Error(String(error));
  const named = new Error(`${who} threw: ${original.message}`, { cause: original });
  const frames = (original.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  named.stack = [`${original.name}: ${named.message}`, ...frames].join('\n');
  return named;
}

/** The first weight of `model` holding NaN or ±Infinity, or undefined when all are finite (read asynchronously, as webgpu needs). */
export async function nonFiniteWeight(model: LayersModel): Promise<string | undefined> {
  for (const weight of model.weights) {
    if ((await weight.read().data()).some((v) => !Number.isFinite(v))) return weight.originalName;
  }
  return undefined;
}

/** `plugin "name" (package)` for the plugin that provides component `id`, in words for messages. */
export function pluginOf(registry: Registry, kinds: readonly ComponentKind[], id: string): string {
  for (const kind of kinds) {
    if (!registry.has(kind, id)) continue;
    const { plugin } = registry.get(kind, id);
    const name = plugin.plugin.name;
    return name === plugin.source.packageName ? `plugin ${name}` : `plugin ${name} (${plugin.source.packageName})`;
  }
  return `the plugin of ${id}`;
}

/**
 * SHA-256 of a model's trainable weights, in order: a change in place shows as another digest.
 * Not the non-trainable ones: a forward pass in training mode (a criterion taking gradients)
 * updates BatchNorm's moving statistics, and that is computing, not tampering. Read
 * asynchronously: webgpu cannot read a tensor synchronously in Node.
 */
export async function weightsDigest(model: LayersModel): Promise<string> {
  const hash = createHash('sha256');
  for (const weight of model.trainableWeights) {
    const values = await weight.read().data();
    hash.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  return hash.digest('hex');
}

export interface GuardedOutcome<T> {
  result: T;
  /** Tensors the call left allocated beyond those its result owns. */
  leakedTensors: number;
}

/**
 * Calls a plugin's component for a run and checks what it left: the engine as the harness
 * selected it (else it is restored and the run fails, naming the plugin and the change), the
 * model it was given unchanged (`input`), and the tensors it left behind beyond `owned(result)`.
 * A call that returns is progress for the stall watch.
 */
export async function guardedCall<T>(
  who: string,
  call: () => T | Promise<T>,
  options: { input?: LayersModel; owned?: (result: T) => number } = {},
): Promise<GuardedOutcome<T>> {
  const before = engineState();
  const inputDigest = options.input ? await weightsDigest(options.input) : undefined;
  const tensorsBefore = tf.memory().numTensors;
  let result: T;
  try {
    result = await call();
  } catch (error) {
    if (engineChanges(before).length) await restoreEngine(before);
    throw namedError(who, error);
  }
  progressed();
  const changes = engineChanges(before);
  if (changes.length) {
    await restoreEngine(before);
    throw oneLineError('PluginMisbehavedError', `${who} changed ${changes.join('; ')} (restored for the next run): this run did not run on what its record would name`);
  }
  if (options.input && (await weightsDigest(options.input)) !== inputDigest) {
    throw oneLineError('PluginMisbehavedError', `${who} changed the weights of the model it was given, in place (their digest differs after the call): it must leave its input as it was and return a new model or masks`);
  }
  const leakedTensors = Math.max(0, tf.memory().numTensors - tensorsBefore - (options.owned?.(result) ?? 0));
  return { result, leakedTensors };
}
