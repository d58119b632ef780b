import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InvalidPluginError, PluginApiVersionError, PluginNotFoundError } from '../errors';
import { loadPluginByName, loadPlugins } from './loader';
import { Registry } from './registry';
import { fakePlugin } from './test-fixtures';

/** A throwaway project: node_modules/<name>/{package.json,index.js} per plugin. */
function makeProject(packages: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-loader-'));
  for (const [name, source] of Object.entries(packages)) {
    const dir = path.join(root, 'node_modules', name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '2.0.1', main: 'index.js' }));
    fs.writeFileSync(path.join(dir, 'index.js'), source);
  }
  return root;
}

const pluginSource = (name: string, apiVersion = 1, id = 'snip') => `
class SnipPruner { prune() {} }
SnipPruner.id = ${JSON.stringify(id)};
module.exports = { default: { name: ${JSON.stringify(name)}, version: '2.0.1', apiVersion: ${apiVersion}, pruners: [SnipPruner] } };
`;

describe('plugin loader', () => {
  const dirs: string[] = [];
  const project = (packages: Record<string, string>) => {
    const dir = makeProject(packages);
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  it('resolves short, scoped and full names from the config folder', async () => {
    const root = project({
      'prunebench-plugin-snip': pluginSource('prunebench-plugin-snip'),
      '@acme/prunebench-plugin-grasp': pluginSource('@acme/prunebench-plugin-grasp', 1, 'grasp'),
      '@acme/prunebench-plugin': pluginSource('@acme/prunebench-plugin', 1, 'acme'),
    });
    const configDir = path.join(root, 'studies');
    fs.mkdirSync(configDir);
    for (const [name, pkg] of [
      ['snip', 'prunebench-plugin-snip'],
      ['prunebench-plugin-snip', 'prunebench-plugin-snip'],
      ['@acme/grasp', '@acme/prunebench-plugin-grasp'],
      ['@acme', '@acme/prunebench-plugin'],
    ]) {
      const loaded = await loadPluginByName(name, configDir);
      expect(loaded.source.packageName).toBe(pkg);
      expect(loaded.source.packageVersion).toBe('2.0.1');
      expect(loaded.plugin.name).toBe(pkg);
    }
  });

  it('loads a path as written, relative to the config folder, and a plain module.exports object', async () => {
    const root = project({});
    fs.writeFileSync(
      path.join(root, 'local-plugin.js'),
      `class P {}; P.id = 'local'; module.exports = { name: 'local', version: '0.0.1', apiVersion: 1, pruners: [P] };`,
    );
    const loaded = await loadPluginByName('./local-plugin.js', root);
    expect(loaded.plugin.name).toBe('local');
  });

  it('says how to fix a missing plugin, suggesting an installed one', async () => {
    const root = project({ 'prunebench-plugin-snip': pluginSource('prunebench-plugin-snip') });
    await expect(loadPluginByName('snipp', root)).rejects.toThrow(PluginNotFoundError);
    await expect(loadPluginByName('snipp', root)).rejects.toThrow(
      /cannot find plugin "snipp" \(looked for package "prunebench-plugin-snipp"\).*Did you mean "prunebench-plugin-snip"\?.*npm install prunebench-plugin-snipp/,
    );
    await expect(loadPluginByName('./nope.js', root)).rejects.toThrow(/no module at .*nope\.js/);
  });

  it('refuses a module without a plugin default export, naming it', async () => {
    const root = project({ 'prunebench-plugin-empty': 'module.exports = { something: 1 };' });
    await expect(loadPluginByName('empty', root)).rejects.toThrow(InvalidPluginError);
    await expect(loadPluginByName('empty', root)).rejects.toThrow(/"prunebench-plugin-empty" .* has no valid plugin as its default export/);
  });

  it('reports a module that throws while loading', async () => {
    const root = project({ 'prunebench-plugin-boom': 'throw new Error("kaboom");' });
    await expect(loadPluginByName('boom', root)).rejects.toThrow(/plugin "boom" .* failed to load: kaboom/);
  });

  it('refuses a wrong apiVersion when registering', async () => {
    const root = project({ 'prunebench-plugin-future': pluginSource('prunebench-plugin-future', 7) });
    await expect(loadPlugins(['future'], new Registry(), root)).rejects.toThrow(PluginApiVersionError);
  });

  it('takes plugin objects passed directly', async () => {
    const registry = new Registry();
    await loadPlugins([fakePlugin()], registry, os.tmpdir());
    expect(registry.ids('schedule')).toContain('clr');
    expect(registry.listPlugins()[0].source.packageName).toBe('(config)');
  });
});
