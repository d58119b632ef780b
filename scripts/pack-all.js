#!/usr/bin/env node
// `npm run pack:all [-- <folder>]`: packs every publishable workspace package (all but the
// private ones) into one folder (default ../packs), after building them: the install route
// before prunebench is on a registry (docs/writing-a-plugin.md §7). Prints the tarballs made.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const out = path.resolve(process.cwd(), process.argv[2] ?? path.join(root, '..', 'packs'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const workspaces = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).workspaces;
const publishable = workspaces.filter((dir) => !JSON.parse(fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8')).private);

fs.mkdirSync(out, { recursive: true });
execFileSync(npm, ['run', 'build', '--silent'], { cwd: root, stdio: 'inherit' });
const packed = JSON.parse(
  execFileSync(npm, ['pack', '--json', '--pack-destination', out, ...publishable.flatMap((dir) => ['-w', dir])], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }),
);
for (const { filename } of packed) process.stdout.write(`${path.join(out, filename)}\n`);
process.stdout.write(`packed ${packed.length} packages into ${out}\n`);
