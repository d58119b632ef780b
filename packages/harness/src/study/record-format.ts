import { RUN_RECORD_FORMAT, type RunRecord } from './record';

/**
 * A parsed run.json in the current format: a format-1 record has its `flops` figures renamed
 * `macs` (the same numbers), so everything after the reader sees one shape. Anything that is not
 * a format-1 record is returned as it is (the schema check says what is wrong with it).
 */
export function upgradeRunRecord(parsed: unknown): RunRecord {
  const record = parsed as Record<string, unknown> | null;
  if (typeof record !== 'object' || record === null || Array.isArray(record) || record.format !== undefined) return parsed as RunRecord;
  const renamed = (figures: unknown) => {
    if (typeof figures !== 'object' || figures === null || !('flops' in figures)) return figures;
    const { flops, ...rest } = figures as Record<string, unknown>;
    return { ...rest, macs: flops };
  };
  const upgraded: Record<string, unknown> = { format: RUN_RECORD_FORMAT, ...record };
  const cost = record.cost as { before?: unknown; after?: unknown } | undefined;
  if (cost && typeof cost === 'object') upgraded.cost = { ...cost, before: renamed(cost.before), after: renamed(cost.after) };
  const iterative = record.iterative as { log?: unknown } | undefined;
  if (iterative && Array.isArray(iterative.log)) upgraded.iterative = { ...iterative, log: iterative.log.map(renamed) };
  return upgraded as unknown as RunRecord;
}

/** Parses run.json text into the current format (throws SyntaxError on bad JSON). */
export function parseRunRecord(text: string): RunRecord {
  return upgradeRunRecord(JSON.parse(text));
}
