import { describeRunCounts } from './run-counts';

describe('the report\'s run counts', () => {
  it('a partial study is called partial, never "All 11 runs finished" beside "11 of 22 have no result"', () => {
    const text = describeRunCounts({ recorded: 11, unfinished: 0, studyRuns: 22 });
    expect(text).not.toMatch(/All/);
    expect(text).toBe("**Partial: 11 of the study's 22 runs finished**, 11 have no result yet.");
    expect(describeRunCounts({ recorded: 11, unfinished: 2, studyRuns: 22 })).toBe("**Partial: 9 of the study's 22 runs finished**, 2 did not finish (see the last sections), 11 have no result yet.");
  });

  it('a whole study: all finished, or how many did not', () => {
    expect(describeRunCounts({ recorded: 22, unfinished: 0, studyRuns: 22 })).toBe('All 22 runs finished.');
    expect(describeRunCounts({ recorded: 22, unfinished: 3 })).toBe('**3 of 22 runs did not finish**: see the last sections.');
    expect(describeRunCounts({ recorded: 1, unfinished: 0 })).toBe('The one run finished.');
  });
});
