// Helpers for this package's tests: schedules made exactly as the harness makes them.
import type { DependencyContainer } from 'tsyringe';
import { Registry, createComponent, pluginContainer, originalPreset, type OriginalRecipe, type Schedule, type StepHyperparameters } from '@prunebench/core';
import plugin from './index';

/** A registry holding this package's plugin, and a container that knows it. */
export function scheduleRegistry(): { registry: Registry; scope: DependencyContainer } {
  const registry = new Registry();
  registry.add(plugin, { packageName: plugin.name, packageVersion: plugin.version });
  return { registry, scope: pluginContainer(registry) };
}

/** A schedule by id and options (validated, defaults filled), via createComponent. */
export function makeSchedule(id: string, options: Record<string, unknown> = {}): Schedule {
  const { registry, scope } = scheduleRegistry();
  return createComponent<Schedule>(scope, registry, 'schedule', id, options);
}

export const cifar: OriginalRecipe = originalPreset('cifar');
export const imagenet: OriginalRecipe = originalPreset('imagenet');

/** The LR of the first step of every epoch. */
export function lrPerEpoch(steps: StepHyperparameters[], stepsPerEpoch: number): number[] {
  return steps.filter((_, t) => t % stepsPerEpoch === 0).map((s) => s.lr);
}

/** Expects every step of each epoch to have the same LR and momentum (per-epoch stepping). */
export function expectConstantWithinEpochs(steps: StepHyperparameters[], stepsPerEpoch: number): void {
  steps.forEach((s, t) => {
    const first = steps[t - (t % stepsPerEpoch)];
    expect([t, s.lr, s.momentum]).toEqual([t, first.lr, first.momentum]);
  });
}

/** `[value, firstEpoch, lastEpoch]` runs of a per-epoch list, values rounded to 12 digits. */
export function runs(values: number[]): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  values.forEach((v, e) => {
    const rounded = Number(v.toPrecision(12));
    const last = out[out.length - 1];
    if (last && last[0] === rounded) last[2] = e;
    else out.push([rounded, e, e]);
  });
  return out;
}
