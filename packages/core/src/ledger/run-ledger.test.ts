import { RunLedger } from './run-ledger';

describe('RunLedger', () => {
  it('adds charges and times phases', async () => {
    const ledger = new RunLedger();
    ledger.charge('optimizerSteps', 3);
    ledger.charge('samples', 96);
    ledger.charge('samples', 32);
    const value = await ledger.time('train', async () => {
      await new Promise((resolve) => setTimeout(resolve, 15));
      return 7;
    });
    await ledger.time('train', async () => undefined);
    expect(value).toBe(7);
    expect(ledger.entries.optimizerSteps).toBe(3);
    expect(ledger.entries.samples).toBe(128);
    expect(ledger.entries.extraForwardSamples).toBe(0);
    expect(ledger.entries.wallTimeMs.train).toBeGreaterThanOrEqual(10);
  });

  it('times a failing phase too, and refuses negative charges', async () => {
    const ledger = new RunLedger();
    await expect(ledger.time('prune', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(ledger.entries.wallTimeMs.prune).toBeGreaterThanOrEqual(0);
    expect(() => ledger.charge('samples', -1)).toThrow(RangeError);
  });

  it('round-trips through JSON', () => {
    const ledger = new RunLedger();
    ledger.charge('extraBackwardSamples', 64);
    ledger.addWallTime('evaluate', 12.5);
    const copy = RunLedger.from(JSON.parse(JSON.stringify(ledger)));
    copy.charge('extraBackwardSamples', 1);
    expect(copy.entries.extraBackwardSamples).toBe(65);
    expect(copy.entries.wallTimeMs).toEqual({ evaluate: 12.5 });
    expect(ledger.entries.extraBackwardSamples).toBe(64);
  });
});
