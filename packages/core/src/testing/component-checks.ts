import assert from 'node:assert/strict';
import Ajv from 'ajv';
import type { ComponentClass, ComponentKind, JsonSchema } from '../interfaces/component';
import { ConfigErrors, UsageError } from '../errors';
import { conformanceEnvironment, type ConformanceSubject } from './environment';

/** One named check of a conformance suite: `describe…Conformance` runs each as a jest `it`. */
export interface ConformanceCheck {
  name: string;
  run: () => Promise<void>;
}

/**
 * Runs `checks` one after another and returns the failure message of each failing one, by name:
 * how a kit's own tests (and a plugin's, for a component meant to fail) see what a suite catches.
 */
export async function failedChecks(checks: readonly ConformanceCheck[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const check of checks) {
    try {
      await check.run();
    } catch (error) {
      out[check.name] = (error as Error).message;
    }
  }
  return out;
}

const ID_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

/** A value of the wrong JSON type for a declared option, or undefined when the schema allows any. */
function wrongTypeValue(schema: JsonSchema): unknown {
  const type = schema.type;
  if (typeof type !== 'string') return undefined;
  switch (type) {
    case 'number':
    case 'integer':
    case 'boolean':
    case 'array':
    case 'object':
      return 'not-a-' + type;
    case 'string':
      return 12345;
    default:
      return undefined;
  }
}

/**
 * Options every schema must refuse: an unknown key (unless the schema explicitly allows extra
 * keys), and, for each declared property with a `type`, a value of another type.
 */
export function generatedInvalidOptions(componentClass: ComponentClass, base: Record<string, unknown>): Array<{ why: string; options: Record<string, unknown> }> {
  const schema = componentClass.optionsSchema ?? { type: 'object', properties: {} };
  const cases: Array<{ why: string; options: Record<string, unknown> }> = [];
  if (schema.additionalProperties !== true) {
    cases.push({ why: 'an unknown key', options: { ...base, conformanceUnknownKey: 1 } });
  }
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  for (const [key, property] of Object.entries(properties)) {
    const wrong = wrongTypeValue(property);
    if (wrong !== undefined) cases.push({ why: `"${key}" of the wrong type`, options: { ...base, [key]: wrong } });
  }
  return cases;
}

/** The checks every component class must pass, whatever its kind. */
export function componentChecks(kind: ComponentKind, subject: ConformanceSubject): ConformanceCheck[] {
  const { componentClass } = subject;
  const options = subject.options ?? {};
  return [
    {
      name: 'is a component class: a static id, description and options schema',
      run: async () => {
        assert.equal(typeof componentClass, 'function', 'a component must be a class');
        assert.ok(typeof componentClass.id === 'string' && ID_PATTERN.test(componentClass.id), `static id must be lower-case [a-z0-9._-] (got ${JSON.stringify(componentClass.id)})`);
        assert.ok(typeof componentClass.description === 'string' && componentClass.description.trim().length > 0, `${kind} "${componentClass.id}" needs a static description (one line for \`prunebench plugins\`)`);
        const schema = componentClass.optionsSchema;
        if (schema !== undefined) {
          assert.ok(typeof schema === 'object' && schema !== null && !Array.isArray(schema), 'static optionsSchema must be a JSON Schema object');
          assert.ok(schema.type === undefined || schema.type === 'object', `optionsSchema must describe an object (type "object"), got type ${JSON.stringify(schema.type)}`);
          // It must compile: a broken schema would only fail when a user's config is checked.
          new Ajv({ strict: false, useDefaults: true }).compile(schema);
        }
      },
    },
    {
      name: 'registers in a plugin and is made through createComponent with its sample options',
      run: async () => {
        const environment = conformanceEnvironment(kind, subject);
        assert.equal(environment.registry.get(kind, componentClass.id).componentClass, componentClass);
        const instance = environment.create<object>(options);
        assert.ok(instance instanceof componentClass, 'createComponent must give an instance of the class');
      },
    },
    {
      name: 'refuses invalid options (unknown keys, wrong types and the given invalid options)',
      run: async () => {
        const environment = conformanceEnvironment(kind, subject);
        const cases = [
          ...generatedInvalidOptions(componentClass, options),
          ...(subject.invalidOptions ?? []).map((invalid, i) => ({ why: `invalidOptions[${i}] ${JSON.stringify(invalid)}`, options: invalid })),
        ];
        for (const { why, options: bad } of cases) {
          let refused: unknown;
          try {
            environment.create(bad);
          } catch (error) {
            refused = error;
          }
          assert.ok(refused !== undefined, `${kind} "${componentClass.id}" accepted ${why}: its optionsSchema (or constructor) must refuse it`);
          assert.ok(
            refused instanceof ConfigErrors || refused instanceof UsageError,
            `${kind} "${componentClass.id}" refused ${why} with a ${(refused as Error)?.constructor?.name}, not a usage error: ${(refused as Error)?.message}`,
          );
        }
      },
    },
  ];
}
