import type { Measurer } from './train-step-benchmark';

/** The part of tinybench's API used here (declared locally: tinybench is ESM only). */
interface TinybenchModule {
  Bench: new (options: Record<string, unknown>) => {
    add(name: string, fn: () => Promise<void>): unknown;
    run(): Promise<unknown>;
    tasks: Array<{ result?: unknown }>;
  };
}

/**
 * A Measurer that times with tinybench (warm-up, then a fixed number of iterations). Throws when
 * tinybench cannot be loaded; callers that can do without it fall back to `loopMeasurer`.
 */
export async function tinybenchMeasurer(): Promise<Measurer> {
  // A real dynamic import: TypeScript would turn `import()` into require() in CommonJS output,
  // and tinybench is ESM only.
  const load = new Function('specifier', 'return import(specifier)') as (s: string) => Promise<TinybenchModule>;
  const { Bench } = await load('tinybench');
  return async (name, fn, { warmup, iterations }) => {
    const bench = new Bench({ iterations, time: 0, warmup: warmup > 0, warmupIterations: warmup, warmupTime: 0, throws: true });
    bench.add(name, fn);
    await bench.run();
    const result = bench.tasks[0].result as { latency?: { mean: number; samplesCount?: number } } | undefined;
    if (!result?.latency) throw new Error(`tinybench produced no latency for ${name}`);
    return { meanMs: result.latency.mean, iterations: result.latency.samplesCount ?? iterations };
  };
}
