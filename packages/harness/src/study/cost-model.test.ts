import { expandStudy } from './jobs';
import { predictSeconds, simulateWallSeconds, speedFromMeasurements, type StudyShape } from './cost-model';
import { runWork } from './jobs';
import { StudyEta } from './eta';
import { createProgressPrinter } from './progress';

import type { StudyDefinition } from './definition';

// A study as the quick study is built: one original per seed, two pruners, four schedules, two budgets.
function quickLikeStudy(): StudyDefinition {
  return {
    dataset: { id: 'synthetic', options: {} },
    model: { id: 'vgg-small', options: {} },
    original: { epochs: 8, lr: 0.1, milestones: [4, 6], gamma: 0.1, batchSize: 64, momentum: 0.9, weightDecay: 5e-4, nesterov: false, dropLast: true },
    pruners: [{ id: 'l1', options: { plan: 'uniform' } }, { id: 'random', options: { plan: 'uniform' } }],
    schedules: ['ft', 'lrw', 'slr', 'clr'].map((id) => ({ id, options: {} })),
    budgets: [1, 2],
    pruneSeeds: null,
    budgetAccounting: 'retraining',
    identity: { backend: true },
    seeds: [0, 1],
    backend: 'wasm',
    workers: 2,
    out: '',
    configFile: null,
    plugins: [],
  };
}

const shape: StudyShape = { examplesPerEpoch: 3840, evaluatedExamples: 2000, originalMacs: 5.6e6, prunedMacs: { 'l1/uniform': 1.4e6, 'random/uniform': 1.4e6 } };

describe('the cost model', () => {
  it('weighs a run by its examples and MACs: the original trains 8 epochs of the full net, a retrain a budget of the pruned one', () => {
    const study = quickLikeStudy();
    const jobs = expandStudy(study);
    const original = jobs.find((j) => j.kind === 'original')!;
    const retrain1 = jobs.find((j) => j.kind === 'retrain' && j.budget === 1)!;
    const retrain2 = jobs.find((j) => j.kind === 'retrain' && j.budget === 2)!;
    expect(runWork(original, study, shape)).toMatchObject({ trainExamples: 8 * 3840, macs: 5.6e6 });
    expect(runWork(retrain1, study, shape)).toMatchObject({ trainExamples: 3840, macs: 1.4e6 });
    expect(runWork(retrain2, study, shape).trainExamples).toBe(2 * 3840);
    const speed = speedFromMeasurements([{ macs: 5.6e6, secondsPerExample: 1 / 300 }, { macs: 1.4e6, secondsPerExample: 1 / 800 }], 0.3, 0);
    // The line goes through both measurements.
    expect(speed.perExample + speed.perMac * 1.4e6).toBeCloseTo(1 / 800, 8);
    expect(speed.perExample + speed.perMac * 5.6e6).toBeCloseTo(1 / 300, 8);
    const o = predictSeconds(runWork(original, study, shape), speed);
    const r = predictSeconds(runWork(retrain1, study, shape), speed);
    expect(o / r).toBeGreaterThan(15); // 8× the epochs at 2.7× the time per example
  });

  it('one network size: all of the time goes on the MACs', () => {
    const speed = speedFromMeasurements([{ macs: 1e6, secondsPerExample: 0.002 }], 0.3, 0.5);
    expect(speed).toEqual({ perExample: 0, perMac: 0.002 / 1e6, forwardFraction: 0.3, perRun: 0.5 });
  });

  it('lays runs out on the runners after their dependencies', () => {
    const runs = [
      { id: 'o0', deps: [], seconds: 10 },
      { id: 'p0', deps: ['o0'], seconds: 1 },
      { id: 'r0', deps: ['p0'], seconds: 4 },
      { id: 'r1', deps: ['p0'], seconds: 4 },
      { id: 'o1', deps: [], seconds: 10 },
    ];
    expect(simulateWallSeconds(runs, 1)).toBe(29);
    // Two runners: o0 ∥ o1, then p0, then r0 ∥ r1.
    expect(simulateWallSeconds(runs, 2)).toBe(15);
    expect(simulateWallSeconds([], 2)).toBe(0);
  });
});

describe('the live ETA', () => {
  it("on a queue, lays the runs left on as many runners as it has seen in flight at once", () => {
    const runs = [{ id: 'a', deps: [], seconds: 10 }, { id: 'b', deps: [], seconds: 10 }, { id: 'c', deps: [], seconds: 10 }, { id: 'd', deps: [], seconds: 10 }];
    const eta = new StudyEta(runs, 'observed', [], () => 0);
    expect(eta.remainingSeconds()).toBe(40);
    eta.observe({ type: 'job-start', jobId: 'a', label: 'a' });
    eta.observe({ type: 'job-start', jobId: 'b', label: 'b' });
    expect(eta.remainingSeconds()).toBe(20);
  });

  // 1 original of 100 s, then 10 retrains of 10 s each, one runner: 200 s in all.
  const runs = [{ id: 'o', deps: [], seconds: 100 }, ...Array.from({ length: 10 }, (_, i) => ({ id: `r${i}`, deps: ['o'], seconds: 10 }))];

  it('counts the runs left by their predicted cost, not as many average runs (the 56-minute ETA of a 9-minute study)', () => {
    let now = 0;
    const eta = new StudyEta(runs, 1, [], () => now);
    expect(eta.remainingSeconds()).toBe(200);
    eta.observe({ type: 'job-start', jobId: 'o', label: 'o' });
    now = 100;
    eta.observe({ type: 'job-end', jobId: 'o', label: 'o', status: 'finished', summary: '', seconds: 100 });
    expect(eta.remainingSeconds()).toBeCloseTo(100, 5);
    // What every-run-the-same gives here: 10 runs left × 100 s per run so far = 1,000 s, 10× too long.
    const lines: string[] = [];
    const equal = createProgressPrinter({ write: (t) => lines.push(t), isTTY: false, totalJobs: 11, alreadyDone: 0 });
    equal({ type: 'job-start', jobId: 'o', label: 'o' });
    equal({ type: 'job-end', jobId: 'o', label: 'o', status: 'finished', summary: '', seconds: 100 });
    const weighted: string[] = [];
    const printer = createProgressPrinter({ write: (t) => weighted.push(t), isTTY: false, totalJobs: 11, alreadyDone: 0, eta: new StudyEta(runs, 1, ['o']) });
    printer({ type: 'job-end', jobId: 'o', label: 'o', status: 'finished', summary: '', seconds: 100 });
    expect(weighted.join('')).toMatch(/ETA 1m40s/);
  });

  it('converges while the first run trains: a machine twice as slow as calibrated is seen at 10% of the original', () => {
    let now = 0;
    const eta = new StudyEta(runs, 1, [], () => now);
    eta.observe({ type: 'job-start', jobId: 'o', label: 'o' });
    now = 20; // 10% of its training in 20 s: twice the predicted 10 s
    eta.observe({ type: 'job-progress', jobId: 'o', step: 10, totalSteps: 100, epoch: 0, imagesPerSecond: 1, loss: 1 });
    const truth = 400 - 20;
    expect(Math.abs(eta.remainingSeconds() - truth) / truth).toBeLessThan(0.25);
  });
});

/** What a terminal shows after `text` is written to it: lines, with cursor-up and clear-below applied. */
function screen(text: string): string[] {
  const lines: string[] = [''];
  let row = 0;
  const parts = text.split(/(\x1b\[\d+A|\x1b\[0J|\n)/);
  for (const part of parts) {
    const up = /^\x1b\[(\d+)A$/.exec(part);
    if (up) row = Math.max(0, row - Number(up[1]));
    else if (part === '\x1b[0J') lines.splice(row + 1), (lines[row] = '');
    else if (part === '\n') {
      row++;
      if (lines.length <= row) lines.push('');
    } else lines[row] = (lines[row] ?? '') + part;
  }
  return lines;
}

describe('Ctrl-C on a terminal', () => {
  const message = 'prunebench: SIGINT: stopping after the runs in flight';

  it('a message written beside the status lines is drawn over by the next redraw', () => {
    let terminal = '';
    const printer = createProgressPrinter({ write: (t) => void (terminal += t), isTTY: true, totalJobs: 3, alreadyDone: 0 });
    printer({ type: 'job-start', jobId: 'a', label: 'run a' });
    terminal += `\n${message}\n`; // what the run command used to write to the terminal on SIGINT
    printer({ type: 'job-progress', jobId: 'a', step: 1, totalSteps: 10, epoch: 0, imagesPerSecond: 100, loss: 1 });
    expect(screen(terminal).join('\n')).not.toContain(message);
  });

  it('stays visible when the printer shows it: the abort reason becomes a log line above the status lines', () => {
    let terminal = '';
    const controller = new AbortController();
    const printer = createProgressPrinter({ write: (t) => void (terminal += t), isTTY: true, totalJobs: 3, alreadyDone: 0, signal: controller.signal });
    printer({ type: 'job-start', jobId: 'a', label: 'run a' });
    controller.abort(message);
    printer({ type: 'job-progress', jobId: 'a', step: 1, totalSteps: 10, epoch: 0, imagesPerSecond: 100, loss: 1 });
    printer({ type: 'job-end', jobId: 'a', label: 'run a', status: 'finished', summary: 'ok', seconds: 1 });
    expect(screen(terminal).join('\n')).toContain(message);
  });
});
