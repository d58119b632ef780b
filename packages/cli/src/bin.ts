#!/usr/bin/env node
import { main } from './main';

// Until main settles, the process is not done: should the event loop drain first (a plugin's
// promise that never settles holds nothing alive), it must not exit 0 with work unfinished.
let settled = false;
process.on('exit', (code) => {
  if (settled || code !== 0) return;
  process.stderr.write('prunebench: exited before the command finished (something it waited on can never complete); runs left unfinished are redone by the same command\n');
  process.exitCode = 1;
});

main(process.argv.slice(2)).then(
  (code) => {
    settled = true;
    process.exitCode = code;
  },
  (error) => {
    settled = true;
    process.stderr.write(`prunebench: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  },
);
