import { setupPlugins, type LoadedConfig, type Setup } from '@prunebench/core';
import { resolveConfigComponents } from '@prunebench/core/config';
import { loadConfig, studyConfigSchema } from '@prunebench/harness';
import { builtinPlugins } from './builtins';

export interface CommandContext extends Setup {
  /** The config found or given, or null when there is none. */
  loaded: LoadedConfig | null;
}

/**
 * What most commands start with: the config (the `--config` file, or one found from the
 * working folder), the built-in plugins and the config's plugins, and every component the
 * config names checked against them.
 */
export async function loadContext(options: { config?: string; cwd?: string }): Promise<CommandContext> {
  const loaded = await loadConfig({ file: options.config, cwd: options.cwd, deferStructureCheck: true });
  const setup = await setupPlugins({ builtins: builtinPlugins(), config: loaded });
  if (loaded) resolveConfigComponents(loaded.config, setup.registry, loaded.filepath, studyConfigSchema);
  return { ...setup, loaded };
}
