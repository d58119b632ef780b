import { closestName, didYouMean, editDistance } from './did-you-mean';

describe('did you mean', () => {
  it('measures edits', () => {
    expect(editDistance('clr', 'clr')).toBe(0);
    expect(editDistance('clrr', 'clr')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('suggests the closest plausible name only', () => {
    expect(closestName('clrr', ['ft', 'lrw', 'slr', 'clr'])).toBe('clr');
    expect(closestName('schedles', ['schedules', 'seeds', 'budgets'])).toBe('schedules');
    expect(closestName('completely-different', ['ft', 'clr'])).toBeUndefined();
    expect(didYouMean('wasmm', ['wasm', 'cpu'])).toBe(' — did you mean "wasm"?');
    expect(didYouMean('zzz', [])).toBe('');
  });
});
