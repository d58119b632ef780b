// Every config example of the README and the docs, checked as the CLI checks a config file:
// written to a file, loaded, its plugins set up and every component resolved. A refused
// example is a user's first hour lost, so any refusal fails here.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setupPlugins } from '@prunebench/core';
import { resolveConfigComponents } from '@prunebench/core/config';
import { extractIterative, loadConfig } from '@prunebench/harness';
import { docConfigExamples as examples, INSTALLED_BY, parse, STUDY_KEYS } from './test-docs';
import { builtinPlugins } from './builtins';

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
    const builtins = [...builtinPlugins(), ...named.map((name) => INSTALLED_BY[name].plugin()).map((plugin) => ({ plugin, source: { packageName: plugin.name! } }))];
    const { registry } = await setupPlugins({ builtins, config: loaded });
    // A pruner entry's `iterative` key is the harness's: taken off as `prunebench run` does.
    expect(() => resolveConfigComponents(extractIterative(loaded!.config, registry, file).config, registry, file)).not.toThrow();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
