// Every config example of the README and the docs, checked as the CLI checks a config file:
// written to a file, loaded, its plugins set up and every component resolved. A refused
// example is a user's first hour lost, so any refusal fails here.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig, resolveConfigComponents, setupPlugins, configSchema, type PrunebenchPlugin } from '@prunebench/core';
import { builtinPlugins } from './builtins';

const ROOT = path.resolve(__dirname, '..', '..', '..');
// The example plugin from its sources (jest compiles them; the cli's own build does not include them).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hrank = (require(path.join(ROOT, 'examples', 'prunebench-plugin-hrank', 'src', 'index.ts')) as { default: PrunebenchPlugin }).default;
/** Plugins a doc's walk-through installs before its config example, by the name the config gives them. */
const INSTALLED_BY: Record<string, { docs: string[]; plugin: PrunebenchPlugin }> = {
  hrank: { docs: ['docs/writing-a-plugin.md', 'examples/prunebench-plugin-hrank/README.md'], plugin: hrank },
};
const CONFIG_KEYS = new Set(Object.keys(configSchema.properties as object));
const STUDY_KEYS = ['dataset', 'model', 'pruners', 'schedules', 'budgets'];

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

function parse(example: ConfigExample): unknown {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return example.language === 'json' ? JSON.parse(example.text) : require('js-yaml').load(example.text);
  } catch {
    return undefined; // not a whole document (e.g. a fragment with comments): not a config
  }
}

const examples = markdownFiles()
  .flatMap(codeBlocks)
  .filter((example) => looksLikeConfig(parse(example)));

describe('config examples in README.md and docs/', () => {
  it('finds the examples (README, the plugin guide)', () => {
    expect(examples.map((e) => e.where.split(':')[0])).toEqual(expect.arrayContaining(['README.md', 'docs/writing-a-plugin.md']));
  });

  it('gives every full study its own results folder, so following the docs never merges two studies', () => {
    const studies = examples.filter((e) => STUDY_KEYS.every((key) => key in (parse(e) as object)));
    expect(studies.length).toBeGreaterThan(0);
    const outs = studies.map((e) => [e.where, (parse(e) as { out?: string }).out] as const);
    expect(outs.filter(([, out]) => out === undefined || path.normalize(out).split(path.sep)[0] === 'prunebench-results')).toEqual([]);
    const folders = outs.map(([, out]) => path.normalize(out!));
    expect(new Set(folders).size).toBe(folders.length);
  });

  it.each(examples.map((e) => [e.where, e] as const))('%s is a valid config', async (_where, example) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-doc-example-'));
    const config = parse(example) as Record<string, unknown>;
    const named = (config.plugins as string[] | undefined) ?? [];
    const doc = example.where.split(':')[0];
    // A plugin this doc does not install first: the example cannot run as written.
    expect(named.filter((name) => !INSTALLED_BY[name]?.docs.includes(doc))).toEqual([]);
    const { plugins: _plugins, ...rest } = config;
    const file = path.join(dir, `prunebench.config.${example.language}`);
    fs.writeFileSync(file, example.language === 'json' ? JSON.stringify(rest) : example.text.replace(/^plugins:[\s\S]*?(?=^\S)/m, ''));
    const loaded = await loadConfig({ file, deferStructureCheck: true });
    const builtins = [...builtinPlugins(), ...named.map((name) => ({ plugin: INSTALLED_BY[name].plugin, source: { packageName: INSTALLED_BY[name].plugin.name! } }))];
    const { registry } = await setupPlugins({ builtins, config: loaded });
    expect(() => resolveConfigComponents(loaded!.config, registry, file)).not.toThrow();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
