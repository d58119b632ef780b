import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from '@prunebench/core';
import { loadConfig, TYPESCRIPT_NEEDED, typescriptConfigLoader } from './load';

describe('loadConfig (cosmiconfig)', () => {
  it.each([
    ['prunebench.config.json', JSON.stringify({ budgets: [3] })],
    ['prunebench.config.yaml', 'budgets:\n  - 3\n'],
    ['.prunebenchrc', '{"budgets": [3]}'],
    ['prunebench.config.js', 'module.exports = { budgets: [3] };'],
    ['prunebench.config.cjs', 'module.exports = { budgets: [3] };'],
    ['prunebench.config.ts', 'const config: { budgets: number[] } = { budgets: [3] };\nexport default config;\n'],
    ['package.json', JSON.stringify({ name: 'x', prunebench: { budgets: [3] } })],
  ])('finds %s', async (file, text) => {
    const root = tempProject({ [file]: text });
    const loaded = await loadConfig({ cwd: root });
    expect(loaded?.config).toEqual({ budgets: [3] });
    expect(fs.realpathSync(loaded!.dir)).toBe(fs.realpathSync(root));
    expect(path.basename(loaded!.filepath)).toBe(file);
  });

  it('returns null when there is no config', async () => {
    const root = tempProject({ 'package.json': JSON.stringify({ name: 'empty' }) });
    expect(await loadConfig({ cwd: root })).toBeNull();
  });

  it('refuses a missing --config file, an empty one, and an invalid one with the file name', async () => {
    const root = tempProject({ 'bad.json': JSON.stringify({ seeds: ['a'] }), 'empty.yaml': '', 'broken.json': '{' });
    await expect(loadConfig({ cwd: root, file: 'nope.json' })).rejects.toThrow(UsageError);
    await expect(loadConfig({ cwd: root, file: 'nope.json' })).rejects.toThrow(/config file not found: .*nope\.json/);
    await expect(loadConfig({ cwd: root, file: 'empty.yaml' })).rejects.toThrow(/empty\.yaml: the config file is empty/);
    await expect(loadConfig({ cwd: root, file: 'broken.json' })).rejects.toThrow(/broken\.json: cannot read the config/);
    await expect(loadConfig({ cwd: root, file: 'bad.json' })).rejects.toThrow(/bad\.json: seeds\[0\]: must be integer/);
  });
});

describe('TypeScript configs', () => {
  it('say that `typescript` is needed, and how to install it, when it is missing', () => {
    const root = tempProject({ 'prunebench.config.ts': 'export default { budgets: [3] };\n' });
    const file = path.join(root, 'prunebench.config.ts');
    const missing = typescriptConfigLoader(() => {
      throw Object.assign(new Error("Cannot find module 'typescript'"), { code: 'MODULE_NOT_FOUND' });
    });
    expect(() => missing(file, fs.readFileSync(file, 'utf8'))).toThrow(UsageError);
    expect(() => missing(file, fs.readFileSync(file, 'utf8'))).toThrow(`${file}: ${TYPESCRIPT_NEEDED}`);
    expect(TYPESCRIPT_NEEDED).toMatch(/npm install --save-dev typescript/);
  });

  it('load when it is there', () => {
    const root = tempProject({ 'prunebench.config.ts': 'const budgets: number[] = [3];\nexport default { budgets };\n' });
    const file = path.join(root, 'prunebench.config.ts');
    expect(typescriptConfigLoader()(file, fs.readFileSync(file, 'utf8'))).toEqual({ budgets: [3] });
  });
});

function tempProject(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-config-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), text);
  }
  return root;
}

