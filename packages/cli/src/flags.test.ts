import { UsageError } from '@prunebench/core';
import { fraction, nameList, parseEntry, parseKeyValues, parsePlan, parseSeed, parseShape, positiveNumber, wholeNumber, wholeNumberList } from './flags';

describe('flag parsers', () => {
  it('count flags: whole numbers from a minimum, naming the flag and what it got', () => {
    expect(wholeNumber(' 12 ', '--epochs')).toBe(12);
    expect(wholeNumber('0', '--warmup', 0)).toBe(0);
    for (const bad of ['0', '1.5', '-3', 'two', '', '1e3']) expect(() => wholeNumber(bad, '--epochs')).toThrow(new UsageError(`--epochs must be a whole number, at least 1 (got "${bad}")`));
    expect(parseSeed(undefined)).toBe(0);
    expect(() => parseSeed('-1')).toThrow(/--seed must be a whole number, at least 0/);
    expect(wholeNumberList('1, 2,3', '--budgets')).toEqual([1, 2, 3]);
    expect(() => wholeNumberList('1,x', '--seeds', 0)).toThrow(/--seeds: expected whole numbers ≥ 0, comma-separated \(got "1,x"\)/);
  });

  it('numbers, fractions and shapes', () => {
    expect(positiveNumber('0.5', '--stall-timeout')).toBe(0.5);
    expect(() => positiveNumber('0', '--stall-timeout')).toThrow(/must be a number > 0/);
    expect(positiveNumber('0', '--tolerance', { zero: true })).toBe(0);
    expect(fraction('0.25', '--ratio')).toBe(0.25);
    expect(() => fraction('1', '--ratio')).toThrow(/--ratio: expected a number in \[0, 1\), got "1"/);
    expect(parseShape('32x32x3')).toEqual([32, 32, 3]);
    expect(() => parseShape('28by28')).toThrow(/--input: expected a shape like 32x32x3/);
  });

  it('lists of known names, entries, key=value options and plans', () => {
    expect(nameList('html,latex', ['html', 'latex'] as const, '--format', 'format')).toEqual(['html', 'latex']);
    expect(() => nameList('pdf', ['html', 'latex'] as const, '--format', 'format')).toThrow(/--format: expected html, latex, comma-separated: unknown format "pdf"/);
    expect(() => nameList('wasn', ['wasm', 'cpu'] as const, '--backends', 'backend')).toThrow(/unknown backend "wasn" — did you mean "wasm"\?/);
    expect(parseEntry('uniform', '--plan')).toBe('uniform');
    expect(parseEntry('{"use":"csv","path":"a.csv"}', '--dataset')).toEqual({ use: 'csv', path: 'a.csv' });
    expect(() => parseEntry('{"path":"a.csv"}', '--dataset')).toThrow(/--dataset: a JSON entry needs a "use"/);
    expect(parseKeyValues(['layers=all', 'minChannels=2', 'roundTo=[8]'], '--plan-option')).toEqual({ layers: 'all', minChannels: 2, roundTo: [8] });
    expect(() => parseKeyValues(['layers'], '--plan-option')).toThrow(/--plan-option "layers" must look like key=value/);
    expect(parsePlan('pfec-a')).toBe('pfec-a');
    expect(parsePlan('uniform', '0.5', { layers: 'all' })).toEqual({ use: 'uniform', ratio: 0.5, layers: 'all' });
    expect(parsePlan('{"use":"global","ratio":0.4}', undefined, { normalize: 'l2' })).toEqual({ use: 'global', ratio: 0.4, normalize: 'l2' });
  });
});
