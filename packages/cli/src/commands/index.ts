import type { Command } from 'commander';
import type { Io } from '../io';
import { registerBenchCommand } from './bench';
import { registerCleanCommand } from './clean';
import { registerCompareCommand } from './compare';
import { registerInitCommand } from './init';
import { registerInspectCommand } from './inspect';
import { registerPluginsCommand } from './plugins';
import { registerPruneCommand } from './prune';
import { registerReportCommand } from './report';
import { registerRunCommand } from './run';
import { registerScheduleCommand } from './schedule';
import { registerServeCommand } from './serve';
import { registerStatusCommand } from './status';
import { registerWorkerCommand } from './worker';

/** Every subcommand, one file each. A new command adds its register function here. */
export const commands: Array<(program: Command, io: Io) => void> = [registerRunCommand, registerReportCommand, registerCompareCommand, registerCleanCommand, registerPluginsCommand, registerScheduleCommand, registerBenchCommand, registerInspectCommand, registerPruneCommand, registerWorkerCommand, registerStatusCommand, registerInitCommand, registerServeCommand];
