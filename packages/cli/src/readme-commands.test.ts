// The README's command list (its "The command" block) as the CLI really takes it: every command
// exists and knows every option the README gives it, so the list cannot drift from the code.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildProgram } from './main';
import { collectingIo } from './test-io';
import { ROOT } from './test-docs';

function commandBlock(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## The command\n'));
  const block = /```\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md: no code block under "## The command"');
  return block[1].trim().split('\n');
}

describe("README's command list", () => {
  const program = buildProgram(collectingIo());
  const lines = commandBlock();

  it('lists every command the CLI has, and only those', () => {
    const listed = lines.map((line) => line.split(/\s+/)[1]);
    expect([...listed].sort()).toEqual(program.commands.map((c) => c.name()).sort());
  });

  it.each(lines.map((line) => [line.split(/\s+/).slice(0, 2).join(' '), line] as const))('%s: every option it shows exists', (_name, line) => {
    const command = program.commands.find((c) => c.name() === line.split(/\s+/)[1])!;
    const known = new Set(command.options.flatMap((o) => [o.long, o.short]).filter(Boolean));
    const shown = [...line.matchAll(/(?<![\w-])(--?[a-z][\w-]*)/g)].map((m) => m[1]);
    expect(shown.filter((flag) => !known.has(flag))).toEqual([]);
  });
});
