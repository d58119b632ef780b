import { composeConfigSchema, setupPlugins, type JsonSchema } from '@prunebench/core';
import { builtinPlugins } from './builtins';

/** Where editors find it: `"$schema": "./node_modules/@prunebench/cli/config.schema.json"`. */
export const CONFIG_SCHEMA_ID = 'https://github.com/prunebench/prunebench/packages/cli/config.schema.json';

/** The config.schema.json this package ships: core's config schema with the built-in components composed in. */
export async function configSchemaForEditors(): Promise<JsonSchema> {
  const { registry } = await setupPlugins({ builtins: builtinPlugins() });
  return { ...composeConfigSchema(registry), $id: CONFIG_SCHEMA_ID };
}
