// Writes config.schema.json (for editors: "$schema": "./node_modules/@prunebench/cli/config.schema.json"),
// composed from core's config schema and the built-in components' own option schemas, so an
// editor checks what the CLI checks. Run after a build: `npm run schema`.
const fs = require('node:fs');
const path = require('node:path');
const { configSchemaForEditors } = require('../dist/config-schema.js');
const target = path.join(__dirname, '..', 'config.schema.json');
configSchemaForEditors().then((schema) => {
  fs.writeFileSync(target, `${JSON.stringify(schema, null, 2)}\n`);
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
});
