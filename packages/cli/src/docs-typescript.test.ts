// Every TypeScript example of the README and the docs compiles under the repository's strict
// compiler options, against the built packages: a sketch that does not compile (the README's
// SnipPruner, the harness README importing `train` from core) is a reader's first error.
import * as path from 'node:path';
import * as ts from 'typescript';
import { ROOT, typeScriptExamples } from './test-docs';

const examples = typeScriptExamples();

/** Compiles every example in one program; nothing is written (the examples are virtual files). */
function diagnostics(): Map<string, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'packages', 'cli', 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const options: ts.CompilerOptions = { ...config.options, noEmit: true, composite: false, declaration: false, declarationMap: false, sourceMap: false, incremental: false, tsBuildInfoFile: undefined, rootDir: undefined, outDir: undefined, noUnusedLocals: false,
    // Examples are read as ES modules (top-level await, as in a modern project); packages resolve as a bundler or Node would.
    module: ts.ModuleKind.ES2022, moduleResolution: ts.ModuleResolutionKind.Bundler };
  const files = new Map(examples.map((e, i) => [path.join(e.dir, `__doc_example_${i}.ts`), e]));
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (file) => files.has(file) || fileExists.call(host, file);
  host.readFile = (file) => (files.has(file) ? source(files.get(file)!) : readFile.call(host, file));
  host.getSourceFile = (file, language, onError) => (files.has(file) ? ts.createSourceFile(file, source(files.get(file)!), language) : getSourceFile.call(host, file, language, onError));
  const program = ts.createProgram([...files.keys()], options, host);
  const byExample = new Map<string, string[]>();
  for (const [file, example] of files) {
    const found = ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    byExample.set(example.where, found);
  }
  return byExample;
}

/** The block as a module: its hidden context first, and `export {}` so names stay local to it. */
const source = (e: { text: string; context: string }) => `${e.context}\n${e.text}\nexport {};\n`;

describe('TypeScript examples in README.md and docs/', () => {
  it('finds them (README, the plugin guide, the package READMEs)', () => {
    expect(examples.map((e) => e.where.split(':')[0])).toEqual(expect.arrayContaining(['README.md', 'docs/writing-a-plugin.md', 'packages/harness/README.md']));
  });

  const found = diagnostics();
  it.each(examples.map((e) => [e.where] as const))('%s compiles under strict tsc', (where) => {
    expect(found.get(where)).toEqual([]);
  });
});
