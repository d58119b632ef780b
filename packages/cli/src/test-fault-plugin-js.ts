// The fault plugin (test-fault-plugin.ts) as JavaScript, for child processes and their threads:
// test files are not built into dist, and jest maps @prunebench/* to TypeScript sources.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as ts from 'typescript';

const repo = path.resolve(__dirname, '..', '..', '..');

/** Writes the compiled fault plugin into `dir`, its imports pointed at this repository's built packages; returns its path. */
export function compiledFaultPlugin(dir: string): string {
  const source = fs.readFileSync(path.join(__dirname, 'test-fault-plugin.ts'), 'utf8');
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, experimentalDecorators: true, esModuleInterop: true },
  });
  const node = createRequire(path.join(repo, 'packages', 'cli', 'package.json')).resolve;
  const resolve = (spec: string) => (spec.startsWith('@prunebench/') ? path.join(repo, 'packages', spec.slice('@prunebench/'.length), 'dist', 'index.js') : node(spec));
  const file = path.join(dir, 'fault-plugin.js');
  fs.writeFileSync(file, outputText.replace(/require\("([^".][^"]*)"\)/g, (_, spec: string) => `require(${JSON.stringify(resolve(spec))})`));
  return file;
}
