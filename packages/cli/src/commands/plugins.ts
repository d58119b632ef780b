import { COMPONENT_KINDS, type RegisteredComponent } from '@prunebench/core';
import type { Command } from 'commander';
import { loadContext } from '../context';
import { formatTable, printJson, type Io } from '../io';

function componentRow(c: RegisteredComponent) {
  return {
    kind: c.kind,
    id: c.id,
    description: c.componentClass.description ?? '',
    plugin: c.plugin.plugin.name,
    package: c.plugin.source.packageName,
    version: c.plugin.source.packageVersion ?? c.plugin.plugin.version,
  };
}

/** Section headings: `criteria (8)`, `pruners (3)`. */
const PLURALS: Record<string, string> = { criterion: 'criteria' };
export const kindPlural = (kind: string) => PLURALS[kind] ?? `${kind}s`;

/** `prunebench plugins [--config FILE] [--json]`: every registered component and its package. */
export function registerPluginsCommand(program: Command, io: Io): void {
  program
    .command('plugins')
    .description('list every registered pruner, plan, schedule, model and dataset, with the package it came from')
    .option('-c, --config <file>', 'config file whose plugins to load as well')
    .option('--json', 'print one JSON document')
    .action(async (options: { config?: string; json?: boolean }) => {
      const { registry } = await loadContext({ config: options.config });
      const plugins = registry.listPlugins().map(({ plugin, source }) => ({
        name: plugin.name,
        version: plugin.version,
        package: source.packageName,
        packageVersion: source.packageVersion ?? plugin.version,
        apiVersion: plugin.apiVersion,
        path: source.resolvedPath,
      }));
      const components = registry.list().map(componentRow);
      if (options.json) {
        printJson(io, { plugins, components });
        return;
      }
      io.out(formatTable(['plugin', 'version', 'package'], plugins.map((p) => [p.name, p.version, p.package])));
      for (const kind of COMPONENT_KINDS) {
        const rows = components.filter((c) => c.kind === kind);
        io.out(`\n${kindPlural(kind)} (${rows.length})\n`);
        if (rows.length) io.out(formatTable(['id', 'package', 'description'], rows.map((r) => [r.id, r.package, r.description]), io.columns));
      }
    });
}
