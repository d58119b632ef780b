/**
 * A tfjs backend as prunebench runs it. The harness keeps one list of providers (one file each);
 * selection (`auto` and `--backend`), the start line, `prunebench bench`, each run's identity, the
 * queue worker's backend check and the conformance kit all take a provider, never a backend name.
 */
export interface BackendProvider {
  /** prunebench's name: the `backend` config key, `--backend`, run records. */
  readonly name: string;
  /**
   * Whether the backend is meant to compute on a GPU. Selection then takes it only when `load()`
   * verified `gpu` (a GPU backend that computes on the CPU is never recorded as a GPU run), and
   * `auto` only when the device is also real hardware.
   */
  readonly gpu: boolean;
  /** One line for `--help` and the README: what it needs and what it runs on. */
  readonly summary: string;
  /**
   * Loads the backend, makes it tfjs's current backend, registers the provider's kernels and says
   * what it got. Throws an Error whose message's first line says why it cannot load (not
   * installed, no adapter, ...). Called again after another backend was selected, it must make
   * this one current again.
   */
  load(): Promise<LoadedBackend>;
}

/** What a provider loaded: the backend's part of a run's identity, and what it computes on. */
export interface LoadedBackend {
  /** tfjs's name of the backend now current (`wasm`, `cpu`, `tensorflow`, `webgpu`). */
  tfjsBackend: string;
  /** The kernels it computes with, in words: package@version and what prunebench adds. */
  kernels: string;
  /**
   * The device, for GPU backends: the adapter's vendor, architecture and device, or TensorFlow's
   * GPU. Absent for CPU backends (the identity of a CPU run is the same on every machine).
   */
  device?: string;
  /** The GPU driver as the device reports it (description, version), when it says. */
  driver?: string;
  /**
   * Verified after loading: the work goes to a GPU device (a software one when `hardware` is
   * false), not to a GPU package's silent CPU fallback (tfjs-node-gpu without CUDA 11.2).
   */
  gpu: boolean;
  /**
   * False for a software device (SwiftShader, llvmpipe/lavapipe, an adapter marked as a
   * fallback): correct, and slower than wasm. CPU backends are hardware.
   */
  hardware: boolean;
  /** Why a GPU provider is not on a GPU, or not on hardware, in words (for the start line). */
  caveat?: string;
  /** The training kernels the provider registered for this backend, by tfjs kernel name. */
  trainingKernels?: readonly string[];
}
