import type { JsonSchema } from '@prunebench/core';

/** JSON schema of an option naming a nested component: an id, or `{ "use": id, ...options }` (checked when it is made). */
export function componentEntrySchema(what: string, example: string): JsonSchema {
  return {
    description: `the ${what}: an id or { "use": id, ...options }, e.g. ${example}`,
    anyOf: [
      { type: 'string', minLength: 1 },
      { type: 'object', properties: { use: { type: 'string', minLength: 1 } }, required: ['use'] },
    ],
  };
}
