import { type JsonSchema, type PrunebenchConfig } from '@prunebench/core';
import { configSchema } from '@prunebench/core/config';
import { BACKEND_NAMES, type BackendName } from '../backend/select';
import { BASELINE_NAMES, type BaselineName } from '../study/baselines';

/**
 * A study config's structure: core's `configSchema` with the keys whose values are the harness's
 * own names narrowed to them — `baselines` to the baseline kinds, `backend` to the backend
 * providers — so a new baseline or backend edits the harness only. Pass it wherever core checks
 * a config's structure (`validateConfigStructure`, `resolveConfigComponents`, `composeConfigSchema`).
 */
export const studyConfigSchema: JsonSchema = (() => {
  const schema = structuredClone(configSchema) as JsonSchema & { properties: Record<string, JsonSchema> };
  const { baselines, backend } = schema.properties;
  schema.properties.baselines = { ...baselines, items: { enum: [...BASELINE_NAMES] } };
  const { type: _anyString, minLength: _nonEmpty, ...backendRest } = backend;
  schema.properties.backend = { ...backendRest, enum: [...BACKEND_NAMES] };
  return schema;
})();

/** A config as the harness reads it: `PrunebenchConfig` with the two keys typed from the lists above. */
export type StudyConfig = Omit<PrunebenchConfig, 'baselines' | 'backend'> & { baselines?: BaselineName[]; backend?: BackendName };
