#!/usr/bin/env node
// The `prunebench` command. Committed (not built) so npm links it at `npm ci`, before the build:
// a command whose target does not exist yet gets no link, and `npx prunebench` would then ask
// the public registry for a package of that name. It runs the built CLI, or says how to build it.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const built = path.join(__dirname, '..', 'dist', 'bin.js');
if (!fs.existsSync(built)) {
  process.stderr.write(
    `prunebench: the CLI is not built yet (${path.relative(process.cwd(), built) || built} is missing).\n` +
      'Run `npm run build` in the prunebench repository first, then try again.\n',
  );
  process.exit(2);
}
require(built);
