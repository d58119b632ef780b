#!/usr/bin/env node
// Makes `gpu-bundle/`: the built CLI and exactly the npm packages it loads at run time, slimmed
// (no source maps, type declarations or TypeScript sources; Dawn's build for linux-x64 only; the
// tfjs bundles Node loads, not the browser ones), plus the Vulkan loader, so a GPU machine with
// no network and a 64 MiB limit on what it receives can run `prunebench` with webgpu and wasm.
// Usage (repository root, after `npm run build`):
//   node benchmarks/gpu-bundle.js [--archive] [out-folder]
// --archive also puts this Node binary in (the GPU machine may have none) and packs everything
// into <out-folder>.tar.xz (~33 MB), which benchmarks/gpu-check.sh unpacks.
'use strict';
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const archive = process.argv.includes('--archive');
const out = path.resolve(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? path.join(root, 'gpu-bundle'));
const MAX_BYTES = 60 * 1024 * 1024;

/** Packages the CLI depends on that a GPU check never loads: embedded datasets, TypeScript (for .ts configs). */
const LEFT_OUT = new Set(['mnist', 'fashion-mnist', 'typescript']);

/** Files a package does not need at run time in Node. */
function skip(name, relative) {
  // tfjs: Node loads the one CommonJS bundle dist/*.node.js (and wasm's binaries); the per-op ES modules and browser bundles are for bundlers.
  if (name.startsWith('@tensorflow/')) return !(relative === 'package.json' || /^dist\/[^/]+\.node\.js$/.test(relative) || /^dist\/[^/]+\.wasm$/.test(relative));
  if (/\.(map|d\.ts|ts|md|markdown|tsbuildinfo)$/i.test(relative)) return true;
  if (/(^|\/)(test|tests|__tests__|docs|example|examples)\//.test(relative)) return true;
  if (name === 'webgpu' && /^dist\//.test(relative) && !relative.startsWith(`dist/${process.platform}-${process.arch}/`)) return true; // other platforms' Dawn
  return false;
}

let bytes = 0;
function copyTree(name, from, to, relative = '') {
  for (const entry of fs.readdirSync(path.join(from, relative), { withFileTypes: true })) {
    const rel = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.name === 'node_modules' || (entry.isFile() && skip(name, rel))) continue;
    if (entry.isDirectory()) copyTree(name, from, to, rel);
    else if (entry.isFile()) {
      fs.mkdirSync(path.dirname(path.join(to, rel)), { recursive: true });
      fs.copyFileSync(path.join(from, rel), path.join(to, rel));
      bytes += fs.statSync(path.join(from, rel)).size;
    }
  }
}

/** The package folder `name` resolves to from `fromDir`, walking up node_modules folders. */
function packageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return fs.realpathSync(candidate);
    if (path.dirname(dir) === dir) return null;
  }
}

fs.rmSync(out, { recursive: true, force: true });
const seen = new Map(); // package name → source folder
const queue = [{ name: '@prunebench/cli', from: root }];
while (queue.length) {
  const { name, from } = queue.shift();
  if (seen.has(name) || LEFT_OUT.has(name)) continue;
  const dir = packageDir(name, from);
  if (!dir) {
    console.warn(`  (not installed, left out: ${name})`);
    continue;
  }
  seen.set(name, dir);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const deps = { ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies };
  for (const dep of Object.keys(deps)) {
    // Native TensorFlow cannot go (its libtensorflow is downloaded at install); neither can what only it needs.
    if (/^@tensorflow\/tfjs-node(-gpu)?$/.test(dep)) continue;
    queue.push({ name: dep, from: dir });
  }
}
for (const [name, dir] of seen) copyTree(name, dir, path.join(out, 'node_modules', name));

// The Vulkan loader (Khronos's libvulkan.so.1): Debian's libvulkan1, or the copy chromium ships.
const loaders = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/chromium/libvulkan.so.1'];
const loader = loaders.find((f) => fs.existsSync(f));
if (loader) {
  fs.mkdirSync(path.join(out, 'lib'), { recursive: true });
  fs.copyFileSync(fs.realpathSync(loader), path.join(out, 'lib', 'libvulkan.so.1'));
  bytes += fs.statSync(loader).size;
} else {
  console.warn('  no libvulkan.so.1 here (apt-get install libvulkan1): the GPU machine must have its own');
}
// Runs the bundled node when there is one (an --archive bundle), else the machine's.
fs.writeFileSync(
  path.join(out, 'prunebench'),
  '#!/bin/sh\nhere="$(cd "$(dirname "$0")" && pwd)"\nnode="$here/bin/node"; [ -x "$node" ] || node=node\nexec "$node" "$here/node_modules/@prunebench/cli/dist/bin.js" "$@"\n',
  { mode: 0o755 },
);
console.log(`${out}: ${seen.size} packages, ${(bytes / 1024 / 1024).toFixed(1)} MiB${loader ? `, Vulkan loader from ${loader}` : ''}`);
if (archive) {
  fs.mkdirSync(path.join(out, 'bin'), { recursive: true });
  fs.copyFileSync(process.execPath, path.join(out, 'bin', 'node'));
  fs.chmodSync(path.join(out, 'bin', 'node'), 0o755);
  const file = `${out}.tar.xz`;
  execFileSync('tar', ['-cJf', file, '-C', path.dirname(out), path.basename(out)], { stdio: 'inherit', env: { ...process.env, XZ_OPT: '-T0' } });
  fs.rmSync(out, { recursive: true, force: true });
  const size = fs.statSync(file).size;
  console.log(`${file}: ${(size / 1024 / 1024).toFixed(1)} MiB with node ${process.version}`);
  if (size > MAX_BYTES) {
    console.error(`the archive is over ${MAX_BYTES / 1024 / 1024} MiB: what reaches the GPU machine must stay under 64 MiB`);
    process.exit(1);
  }
} else if (bytes > MAX_BYTES) {
  console.error(`the bundle is over ${MAX_BYTES / 1024 / 1024} MiB: what reaches the GPU machine must stay under 64 MiB`);
  process.exit(1);
}
