/**
 * The report's sentence on how many runs it covers. A partial study (stopped with Ctrl-C, or
 * reported while it runs) is said to be partial: "All 11 runs finished" beside "11 of the
 * study's 22 runs have no result yet" read as a contradiction.
 */
export function describeRunCounts(counts: { recorded: number; unfinished: number; studyRuns?: number }): string {
  const { recorded, unfinished } = counts;
  const total = Math.max(counts.studyRuns ?? recorded, recorded);
  const finished = recorded - unfinished;
  const runs = (n: number) => `${n} run${n === 1 ? '' : 's'}`;
  if (total > recorded) {
    const missing = total - recorded;
    return `**Partial: ${finished} of the study's ${runs(total)} finished**${unfinished ? `, ${unfinished} did not finish (see the last sections)` : ''}, ${missing} ${missing === 1 ? 'has' : 'have'} no result yet.`;
  }
  if (unfinished) return `**${unfinished} of ${runs(recorded)} did not finish**: see the last sections.`;
  return recorded === 1 ? 'The one run finished.' : `All ${recorded} runs finished.`;
}
