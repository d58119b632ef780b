// Writes config.schema.json (for editors: "$schema": "node_modules/@prunebench/core/config.schema.json")
// from the TypeScript source of truth. Run after a build: `npm run schema`.
const fs = require('node:fs');
const path = require('node:path');
const { configSchema } = require('../dist/config/schema.js');
const target = path.join(__dirname, '..', 'config.schema.json');
fs.writeFileSync(target, `${JSON.stringify(configSchema, null, 2)}\n`);
console.log(`wrote ${path.relative(process.cwd(), target)}`);
