/*
 * What outside a study's config can change its results, as data: the study definition carries
 * it (definition.ts), identity.ts computes and describes it.
 */

/** A package's built code: what ran, not only what it claims to be. */
export interface CodeIdentity {
  package: string;
  version: string;
  /** sha256 of the folder the package's entry file lives in (its `dist/`, or `src/` under jest). */
  digest: string;
}

export interface BackendIdentity {
  /** prunebench's name of the backend that ran (`wasm`, `cpu`, `tensorflow`, `webgpu`, ...). */
  name: string;
  /** The kernels it runs with, in words: accelerated wasm, stock wasm, libtensorflow, ... */
  kernels: string;
  /** GPU backends: the adapter or device (vendor, architecture, device). Absent for CPU backends. */
  device?: string;
  /** GPU backends: the driver, as the device reports it. */
  driver?: string;
}

export type DataIdentity =
  | { kind: 'files'; path: string; digest: string }
  | { kind: 'package'; package: string; version: string }
  | { kind: 'options' };

/**
 * Everything outside the config that can change a run's result. Parts of it enter the hash of
 * the jobs they can affect (kinds/*.ts): the original's, and through it every later job; a pruner's
 * plugin only its prunes and their retrains; a schedule's plugin only its retrains.
 */
export interface StudyIdentity {
  prunebench: CodeIdentity[];
  tfjs: string;
  /** null when the study leaves the backend out (`"identity": { "backend": false }`). */
  backend: BackendIdentity | null;
  /** The backend that ran, recorded even when it is left out of the identity. */
  backendUsed: BackendIdentity;
  data: DataIdentity;
  checkpoint: { path: string; digest: string } | null;
  /** Code of each plugin, by plugin name. */
  plugins: Record<string, CodeIdentity>;
  /** Which plugin provides a component: `pruner:l1` → `@prunebench/pruners`. */
  providers: Record<string, string>;
}
