// The config examples of the README and the docs, for the tests that check them (docs-examples,
// config-schema): every JSON/YAML code block that is a prunebench config.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type PrunebenchPlugin } from '@prunebench/core';
import { configSchema } from '@prunebench/core/config';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
// The example plugin from its sources, when a test asks (jest compiles them; the cli's build does not include them).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hrank = () => (require(path.join(ROOT, 'examples', 'prunebench-plugin-hrank', 'src', 'index.ts')) as { default: PrunebenchPlugin }).default;
/** Plugins a doc's walk-through installs before its config example, by the name the config gives them. */
export const INSTALLED_BY: Record<string, { docs: string[]; plugin: () => PrunebenchPlugin }> = {
  hrank: { docs: ['docs/writing-a-plugin.md', 'examples/prunebench-plugin-hrank/README.md'], plugin: hrank },
  // The plugin guide's walk-through: the package `npm init prunebench-plugin my-method` generates.
  'my-method': { docs: ['docs/writing-a-plugin.md'], plugin: () => templatePlugin('my-method') },
};

/**
 * The template's generated package, from its TypeScript sources (jest compiles them). Generated
 * inside the repository (ignored by git), so its imports resolve to the workspace's packages.
 */
function templatePlugin(name: string): PrunebenchPlugin {
  const dir = path.join(ROOT, 'packages', 'cli', '.generated', `prunebench-plugin-${name}`);
  if (!fs.existsSync(path.join(dir, 'src', 'index.ts'))) {
    fs.rmSync(dir, { recursive: true, force: true });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { generatePlugin } = require(path.join(ROOT, 'packages', 'create-prunebench-plugin', 'src', 'generate.ts')) as { generatePlugin(options: { directory: string }): string[] };
    generatePlugin({ directory: dir });
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require(path.join(dir, 'src', 'index.ts')) as { default: PrunebenchPlugin }).default;
}
const CONFIG_KEYS = new Set(Object.keys(configSchema.properties as object));
export const STUDY_KEYS = ['dataset', 'model', 'pruners', 'schedules', 'budgets'];

export interface ConfigExample {
  /** `docs/x.md:12`: where the block starts. */
  where: string;
  language: 'json' | 'yaml';
  text: string;
}

function markdownFiles(): string[] {
  const docs: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.md')) docs.push(full);
    }
  };
  walk(path.join(ROOT, 'docs'));
  const readmes = ['packages', 'examples', 'benchmarks'].flatMap((dir) =>
    fs.existsSync(path.join(ROOT, dir, 'README.md')) ? [path.join(ROOT, dir, 'README.md')] : fs.readdirSync(path.join(ROOT, dir)).map((p) => path.join(ROOT, dir, p, 'README.md')),
  );
  return [path.join(ROOT, 'README.md'), ...docs.sort(), ...readmes.filter((f) => fs.existsSync(f)).sort()];
}

/** The JSON and YAML code blocks of a markdown file. */
export function codeBlocks(file: string): ConfigExample[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const blocks: ConfigExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*```(json|jsonc|yaml|yml)\s*$/.exec(lines[i]);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]); i++) body.push(lines[i]);
    blocks.push({ where: `${path.relative(ROOT, file)}:${start + 1}`, language: open[1].startsWith('y') ? 'yaml' : 'json', text: body.join('\n') });
  }
  return blocks;
}

/** A block is a prunebench config when it is an object of config keys naming a study part. */
function looksLikeConfig(value: unknown): value is Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.some((k) => STUDY_KEYS.includes(k)) && keys.filter((k) => CONFIG_KEYS.has(k)).length >= keys.length / 2;
}

export function parse(example: ConfigExample): unknown {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return example.language === 'json' ? JSON.parse(example.text) : require('js-yaml').load(example.text);
  } catch {
    return undefined; // not a whole document (e.g. a fragment with comments): not a config
  }
}

export const docConfigExamples = markdownFiles()
  .flatMap(codeBlocks)
  .filter((example) => looksLikeConfig(parse(example)));


export interface TypeScriptExample {
  /** `docs/x.md:12`: where the block starts. */
  where: string;
  text: string;
  /** Declarations a fragment relies on, from a `<!-- ts-context: ... -->` comment right above the block. */
  context: string;
  /** Where the block is compiled from (relative imports resolve there): `<!-- ts-dir: examples/x/src -->`, else packages/cli/src. */
  dir: string;
}

/**
 * The TypeScript code blocks of the README and the docs. A block is compiled as written; a
 * fragment that uses names from the text around it says so in an HTML comment above it (hidden
 * when rendered): `<!-- ts-context: declare const model: LayersModel; -->`, and a block that is a
 * file of a package (relative imports) names its folder: `<!-- ts-dir: examples/.../src -->`.
 */
export function typeScriptExamples(): TypeScriptExample[] {
  return markdownFiles().flatMap((file) => {
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    const blocks: TypeScriptExample[] = [];
    for (let i = 0; i < lines.length; i++) {
      if (!/^\s*```(ts|typescript)\s*$/.test(lines[i])) continue;
      const start = i;
      const comments: string[] = [];
      for (let k = i - 1; k >= 0 && /^\s*<!--[\s\S]*-->\s*$/.test(lines[k]); k--) comments.unshift(lines[k]);
      const directive = (name: string) =>
        comments
          .map((c) => new RegExp(`<!--\\s*${name}:([\\s\\S]*?)-->`).exec(c)?.[1].trim())
          .filter((v): v is string => v !== undefined);
      const body: string[] = [];
      for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]); i++) body.push(lines[i]);
      const dir = directive('ts-dir')[0];
      blocks.push({
        where: `${path.relative(ROOT, file)}:${start + 1}`,
        text: body.join('\n'),
        context: directive('ts-context').join('\n'),
        dir: path.join(ROOT, dir ?? path.join('packages', 'cli', 'src')),
      });
    }
    return blocks;
  });
}
