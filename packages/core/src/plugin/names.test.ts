import { normalizePluginName } from './names';

describe('normalizePluginName (Babel-style)', () => {
  it.each([
    ['snip', 'prunebench-plugin-snip'],
    ['prunebench-plugin-snip', 'prunebench-plugin-snip'],
    ['@acme/snip', '@acme/prunebench-plugin-snip'],
    ['@acme/prunebench-plugin-snip', '@acme/prunebench-plugin-snip'],
    ['@acme', '@acme/prunebench-plugin'],
    ['@acme/prunebench-plugin', '@acme/prunebench-plugin'],
    ['./local/plugin.js', './local/plugin.js'],
    ['../up', '../up'],
    ['/abs/path', '/abs/path'],
    ['module:some-package', 'some-package'],
  ])('%s → %s', (input, expected) => {
    expect(normalizePluginName(input)).toBe(expected);
  });
});
