import { setupPlugins, type JsonSchema } from '@prunebench/core';
import { composeConfigSchema } from '@prunebench/core/config';
import { studyConfigSchema } from '@prunebench/harness';
import { builtinPlugins } from './builtins';

/** Where editors find it: `"$schema": "./node_modules/@prunebench/cli/config.schema.json"`. */
export const CONFIG_SCHEMA_ID = 'https://github.com/prunebench/prunebench/packages/cli/config.schema.json';

/** The config.schema.json this package ships: the harness's study config schema with the built-in components composed in. */
export async function configSchemaForEditors(): Promise<JsonSchema> {
  const { registry } = await setupPlugins({ builtins: builtinPlugins() });
  return { ...composeConfigSchema(registry, studyConfigSchema), $id: CONFIG_SCHEMA_ID };
}
