import * as fs from 'node:fs';
import * as path from 'node:path';

export interface GenerateOptions {
  /** The folder to create (must not exist, or be empty). */
  directory: string;
  /** The package name; default `prunebench-plugin-<folder name>`. */
  name?: string;
  /**
   * A folder of `npm pack`ed prunebench packages (`prunebench-core-<v>.tgz`, ...): the package then
   * depends on those files, the install route before prunebench is on a registry.
   */
  tarballs?: string;
}

const TEMPLATE = path.join(__dirname, '..', 'template');
/** npm drops dotfiles named .gitignore from tarballs, so the template keeps it without the dot. */
const RENAMES: Record<string, string> = { gitignore: '.gitignore' };
/** The prunebench packages the generated package builds and tests against. */
export const PRUNEBENCH_DEPENDENCIES = ['@prunebench/core', '@prunebench/backend-wasm', '@prunebench/pruners'];

/** The version of prunebench this generator belongs to (its packages share one version). */
export function prunebenchVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/** `@prunebench/core` at 0.1.0 → `prunebench-core-0.1.0.tgz`, the name `npm pack` gives it. */
export function tarballName(packageName: string, version: string): string {
  return `${packageName.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/** Writes the plugin package; returns the files written (relative paths). */
export function generatePlugin(options: GenerateOptions): string[] {
  const directory = path.resolve(options.directory);
  if (fs.existsSync(directory) && fs.readdirSync(directory).length > 0) {
    throw new Error(`${directory} exists and is not empty: choose a new folder`);
  }
  const base = path.basename(directory).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^prunebench-plugin-/, '');
  const name = options.name ?? `prunebench-plugin-${base}`;
  if (!/^(@[a-z0-9-]+\/)?[a-z0-9][a-z0-9._-]*$/.test(name)) throw new Error(`"${name}" is not a valid npm package name`);
  const version = prunebenchVersion();
  if (options.tarballs) checkTarballs(path.resolve(options.tarballs), version);
  const prunebench = (pkg: string) => (options.tarballs ? `file:${path.resolve(options.tarballs, tarballName(pkg, version))}` : `^${version}`);
  const replacements: Record<string, string> = {
    __NAME__: name,
    __SHORT__: base,
    __PRUNEBENCH_VERSION__: version,
    __CORE__: prunebench('@prunebench/core'),
    // The conformance kit tests on the backend users get: wasm with prunebench's training kernels.
    __BACKEND_WASM__: prunebench('@prunebench/backend-wasm'),
    __PRUNERS__: prunebench('@prunebench/pruners'),
  };
  const written: string[] = [];
  const copy = (from: string, to: string) => {
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
      const target = path.join(to, RENAMES[entry.name] ?? entry.name);
      if (entry.isDirectory()) {
        fs.mkdirSync(target, { recursive: true });
        copy(path.join(from, entry.name), target);
      } else {
        let text = fs.readFileSync(path.join(from, entry.name), 'utf8');
        for (const [key, value] of Object.entries(replacements)) text = text.split(key).join(value);
        fs.writeFileSync(target, text);
        written.push(path.relative(directory, target));
      }
    }
  };
  fs.mkdirSync(directory, { recursive: true });
  copy(TEMPLATE, directory);
  return written.sort();
}

/**
 * Refuses to write a package whose dependencies point at tarballs that are not there (npm would
 * fail later with ENOENT): names each missing file and the command that makes them all.
 */
function checkTarballs(folder: string, version: string): void {
  const missing = PRUNEBENCH_DEPENDENCIES.map((pkg) => tarballName(pkg, version)).filter((file) => !fs.existsSync(path.join(folder, file)));
  if (missing.length) {
    throw new Error(
      `--tarballs ${folder} lacks ${missing.join(', ')}: in the prunebench clone, run \`npm run pack:all -- ${folder}\` (it packs every prunebench package there), then run this again`,
    );
  }
}
