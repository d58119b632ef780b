#!/usr/bin/env node
import * as path from 'node:path';
import { generatePlugin } from './generate';

const USAGE = `usage: npm init prunebench-plugin <folder> [-- --name <package name>] [--tarballs <folder of npm-packed prunebench packages>]
       (or: npx create-prunebench-plugin <folder> [--name ...] [--tarballs ...])`;

function main(argv: string[]): number {
  const positional: string[] = [];
  const flags: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (arg === '--name' || arg === '--tarballs') {
      const value = argv[++i];
      if (!value) return usage(`${arg} needs a value`);
      flags[arg.slice(2)] = value;
    } else if (arg.startsWith('-')) return usage(`unknown option ${arg}`);
    else positional.push(arg);
  }
  if (positional.length !== 1) return usage('give exactly one folder to create');
  try {
    const files = generatePlugin({ directory: positional[0], name: flags.name, tarballs: flags.tarballs });
    const where = path.relative(process.cwd(), path.resolve(positional[0])) || '.';
    process.stdout.write(`created ${where} (${files.length} files). Next:\n  cd ${where}\n  npm install\n  npm test\n`);
    return 0;
  } catch (error) {
    return usage((error as Error).message);
  }
}

function usage(problem: string): number {
  process.stderr.write(`create-prunebench-plugin: ${problem}\n${USAGE}\n`);
  return 2;
}

process.exitCode = main(process.argv.slice(2));
