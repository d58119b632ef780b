import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Where converted datasets are cached: the `cacheDir` option, else `$PRUNEBENCH_CACHE`, else
 * `$XDG_CACHE_HOME/prunebench`, else `~/.cache/prunebench`.
 */
export function resolveCacheDir(option?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (option) return path.resolve(option);
  if (env.PRUNEBENCH_CACHE) return path.resolve(env.PRUNEBENCH_CACHE);
  if (env.XDG_CACHE_HOME) return path.join(path.resolve(env.XDG_CACHE_HOME), 'prunebench');
  return path.join(os.homedir(), '.cache', 'prunebench');
}
