import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from './main';
import { collectingIo } from './test-io';

function project(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-cli-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

async function run(argv: string[]) {
  const io = collectingIo();
  const code = await main(argv, io);
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe('prunebench CLI', () => {
  it('prints help and version with exit 0', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: prunebench/);
    expect(help.stdout).toMatch(/plugins/);
    const version = await run(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('exits 2 on an unknown command or option, suggesting the right one', async () => {
    const typo = await run(['plugns']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/unknown command 'plugns'[\s\S]*Did you mean plugins\?/);
    expect((await run(['plugins', '--jsn'])).code).toBe(2);
  });

  it('plugins --json lists the built-in plugin packages as one JSON document', async () => {
    const { code, stdout, stderr } = await run(['plugins', '--json']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    const doc = JSON.parse(stdout);
    expect(doc.plugins.map((p: { package: string }) => p.package)).toEqual(
      expect.arrayContaining(['@prunebench/schedules', '@prunebench/pruners', '@prunebench/models', '@prunebench/datasets']),
    );
    for (const component of doc.components) {
      expect(component).toEqual(expect.objectContaining({ kind: expect.any(String), id: expect.any(String), package: expect.any(String) }));
    }
    const ids = (kind: string) => doc.components.filter((c: { kind: string }) => c.kind === kind).map((c: { id: string }) => c.id);
    expect(ids('criterion')).toEqual(expect.arrayContaining(['thinet', 'obd-c']));
    expect(ids('weight-score')).toEqual(expect.arrayContaining(['lamp']));
    expect(ids('regularizer')).toEqual(['slimming', 'group-lasso', 'growing-reg']);
    const table = await run(['plugins']);
    expect(table.stdout).toMatch(/regularizers \(3\)[\s\S]*slimming[\s\S]*group-lasso[\s\S]*growing-reg/);
  });

  it('plugins --config loads a third-party plugin and shows its package and version', async () => {
    const root = project({
      'node_modules/prunebench-plugin-snip/package.json': JSON.stringify({ name: 'prunebench-plugin-snip', version: '3.1.4' }),
      'node_modules/prunebench-plugin-snip/index.js':
        "class Snip {}; Snip.id = 'snip'; Snip.description = 'SNIP'; module.exports = { default: { name: 'prunebench-plugin-snip', version: '3.1.4', apiVersion: 2, pruners: [Snip] } };",
      'prunebench.config.json': JSON.stringify({ plugins: ['snip'] }),
    });
    const { code, stdout } = await run(['plugins', '--json', '--config', path.join(root, 'prunebench.config.json')]);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc.components).toContainEqual(
      expect.objectContaining({ kind: 'pruner', id: 'snip', package: 'prunebench-plugin-snip', version: '3.1.4', description: 'SNIP' }),
    );
    const table = await run(['plugins', '--config', path.join(root, 'prunebench.config.json')]);
    expect(table.stdout).toMatch(/snip\s+prunebench-plugin-snip\s+SNIP/);
  });

  it('exits 2 naming an unknown plugin', async () => {
    const root = project({ 'prunebench.config.json': JSON.stringify({ plugins: ['does-not-exist'] }) });
    const { code, stderr, stdout } = await run(['plugins', '--config', path.join(root, 'prunebench.config.json')]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/cannot find plugin "does-not-exist" \(looked for package "prunebench-plugin-does-not-exist"\)/);
    expect(stderr).toMatch(/npm install prunebench-plugin-does-not-exist/);
  });

  it('exits 2 naming a typo\'d key and what it meant', async () => {
    const root = project({ 'prunebench.config.json': JSON.stringify({ seeds: [0], schedles: ['ft'] }) });
    const { code, stderr } = await run(['plugins', '--config', path.join(root, 'prunebench.config.json')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/prunebench\.config\.json: schedles: unknown key "schedles" — did you mean "schedules"\?/);
  });

  it('exits 2 for a plugin with the wrong apiVersion', async () => {
    const root = project({
      'node_modules/prunebench-plugin-future/package.json': JSON.stringify({ name: 'prunebench-plugin-future', version: '9.0.0' }),
      'node_modules/prunebench-plugin-future/index.js':
        "class F {}; F.id = 'future'; module.exports = { default: { name: 'prunebench-plugin-future', version: '9.0.0', apiVersion: 3, pruners: [F] } };",
      'prunebench.config.json': JSON.stringify({ plugins: ['future'] }),
    });
    const { code, stderr } = await run(['plugins', '--config', path.join(root, 'prunebench.config.json')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/plugin "prunebench-plugin-future" was written for plugin API 3, but this prunebench speaks API 2/);
  });

  it('exits 2 for a config naming an unknown component, with the closest id', async () => {
    const root = project({ 'prunebench.config.json': JSON.stringify({ schedules: ['no-such-schedule'] }) });
    const { code, stderr } = await run(['plugins', '--config', path.join(root, 'prunebench.config.json')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/schedules\[0\]: unknown schedule "no-such-schedule"/);
  });

  it('reports structure, component and nested plan problems of a config in one round', async () => {
    const config = { budgets: [0], schedules: ['clrr'], pruners: [{ use: 'l1', plan: { use: 'uniform', ratio: 1.5 } }, { use: 'l2', plan: 'uniform', ratio: 0.5 }] };
    const root = project({ 'prunebench.config.json': JSON.stringify(config) });
    const { code, stderr } = await run(['plugins', '--config', path.join(root, 'prunebench.config.json')]);
    expect(code).toBe(2);
    expect(stderr).toMatch(/3 problems in the config/);
    expect(stderr).toMatch(/budgets\[0\]: must be >= 1/);
    expect(stderr).toMatch(/schedules\[0\]: unknown schedule "clrr" — did you mean "clr"\?/);
    expect(stderr).toMatch(/pruners\[0\]\.plan\.ratio: must be < 1 \(got 1\.5\)/);
  });
});
