import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { PrunebenchError } from '@prunebench/core';
import { commands } from './commands';
import { processIo, type Io } from './io';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

export function buildProgram(io: Io): Command {
  const program = new Command('prunebench')
    .description('Fair comparisons of neural-network pruning methods under equal, audited retraining budgets.')
    .version(version, '-V, --version')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  for (const register of commands) register(program, io);
  for (const sub of program.commands) {
    sub.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err }).showSuggestionAfterError(true);
  }
  return program;
}

/**
 * Runs the CLI and returns its exit code: 0 success, 1 a run failed, 2 bad usage or config
 * (per the CLI contract in DESIGN.md). Never calls process.exit, so tests can run it in-process.
 */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const program = buildProgram(io);
  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 0;
    }
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version "fail" with exit code 0; everything else commander rejects is usage.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof PrunebenchError) {
      io.err(`prunebench: ${error.message}\n`);
      return error.exitCode;
    }
    io.err(`prunebench: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}
