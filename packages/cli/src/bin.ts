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

// `run` and `worker` may have abandoned work still going (a run that did not end within the
// bound after a stop signal): once the command is done, the process ends soon after, whatever is left.
const command = process.argv[2];
const endSoon = () => {
  if (command === 'run' || command === 'worker') setTimeout(() => process.exit(), 2000).unref();
};

main(process.argv.slice(2)).then(
  (code) => {
    settled = true;
    process.exitCode = code;
    endSoon();
  },
  (error) => {
    settled = true;
    process.stderr.write(`prunebench: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
    endSoon();
  },
);
