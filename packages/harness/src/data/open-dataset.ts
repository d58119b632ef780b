import { createComponent, type Dataset, type DatasetInfo, type Registry } from '@prunebench/core';
import { resolveComponentRef, type ComponentRef } from '@prunebench/core/config';
import type { DependencyContainer } from 'tsyringe';
import { withPathsFrom } from '../study/definition';

/** A dataset entry as written (an id or `{ "use": id, ...options }`), where (for messages) and the folder its relative paths resolve from. */
export interface DatasetEntry {
  entry: string | { use: string; [key: string]: unknown };
  where: string;
  dir: string;
}

export interface OpenDataset {
  dataset: Dataset;
  info: DatasetInfo;
  ref: ComponentRef;
}

/** The entry checked against the registry (id, options, defaults) with its file options made absolute. */
export function resolveDatasetEntry(registry: Registry, given: DatasetEntry): ComponentRef {
  return withPathsFrom(given.dir, resolveComponentRef(registry, 'dataset', given.entry, given.where));
}

/** Makes the dataset component and loads it (reads its files, or makes its data). */
export async function openDataset(components: { container: DependencyContainer; registry: Registry }, ref: ComponentRef): Promise<OpenDataset> {
  const dataset = createComponent<Dataset>(components.container, components.registry, 'dataset', ref.id, ref.options);
  return { dataset, info: await dataset.load(), ref };
}
