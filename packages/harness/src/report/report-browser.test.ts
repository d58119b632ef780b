import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { emptyLedgerEntries } from '@prunebench/core';
import { expandStudy, type Job } from '../study/jobs';
import type { RunRecord } from '../study/record';
import { writeReport } from '../study/report';
import { ResultStore } from '../study/store';
import { studyFileFor } from '../study/study-file-check';
import { testStudyDefinition } from './test-study-definition';

/**
 * Opens a generated report.html in a real browser (Debian's chromium, headless) and checks
 * that its figures render and that the page logs no errors. Skips only when chromium is
 * absent outside CI; under CI=true a missing browser fails (.ci/run installs it).
 */
const CHROMIUM = '/usr/bin/chromium';
const available = fs.existsSync(CHROMIUM);
const ci = process.env.CI === 'true' || process.env.CI === '1';
if (!available && !ci) {
  // eslint-disable-next-line no-console
  console.warn(`report-browser.test: skipped, ${CHROMIUM} is missing (apt-get install -y chromium; under CI=true this test fails instead)`);
}
const maybe = available || ci ? describe : describe.skip;

const study = testStudyDefinition({
  dataset: { id: 'synthetic', options: { trainSize: 64 } },
  pruners: [
    { id: 'l1', options: { plan: { use: 'uniform', ratio: 0.5 } } },
    { id: 'random', options: { plan: { use: 'uniform', ratio: 0.5 } } },
    { id: 'l1', options: { plan: { use: 'uniform', ratio: 0.25 } } },
  ],
  schedules: [{ id: 'ft', options: {} }, { id: 'clr', options: {} }],
  budgets: [1, 2, 4],
  baselines: ['random', 'pruned', 'scratch-e'],
});

function record(job: Job): RunRecord {
  const base: RunRecord = { id: job.id, kind: job.kind, status: 'finished', seed: job.seed, definition: job.definition, configFile: null, versions: { prunebench: '0.1.0', tfjs: '4.22.0', backend: 'wasm' }, startedAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:01:00Z' };
  const ratio = job.kind === 'original' ? 0 : (job.pruner.options.plan as { ratio: number }).ratio;
  const cost = { before: { params: 1000, macs: 5000 }, after: { params: 1000 * (1 - ratio), macs: 5000 * (1 - ratio) ** 2 } };
  const acc = (x: number) => ({ test: { loss: 1, top1: x, examples: 500 } });
  if (job.kind === 'original') return { ...base, ledger: emptyLedgerEntries(), metrics: acc(0.9 + job.seed / 200), cost, datasetSizes: { train: 64, validation: 0, test: 500 } };
  if (job.kind === 'prune') return { ...base, pruner: job.prunerLabel, metrics: acc(0.3 + job.seed / 100), cost, ledger: emptyLedgerEntries() };
  if (job.kind === 'scratch') return { ...base, pruner: job.prunerLabel, schedule: job.variant, ledger: emptyLedgerEntries(), metrics: acc(0.8), cost, scratch: { variant: job.variant, epochs: 4, factor: 1, milestones: [2] } };
  const steps = job.budget * 8;
  const top1 = 0.8 + job.budget / 100 + (job.scheduleLabel === 'clr' ? 0.01 : 0) - ratio / 10 + job.seed / 300;
  return { ...base, pruner: job.prunerLabel, schedule: job.scheduleLabel, budget: job.budget, plannedSteps: steps,
    batching: { trainSize: 64, batchSize: 8, dropLast: true, stepsPerEpoch: 8 },
    budgetAccounting: { mode: 'retraining', epochs: job.budget, deductedSteps: 0, expectedSteps: steps, expectedSamples: steps * 8 },
    ledger: { ...emptyLedgerEntries(), optimizerSteps: steps, samples: steps * 8 }, metrics: acc(top1), cost };
}

maybe('report.html in a real browser', () => {
  it('renders every figure as a non-empty SVG and logs no errors', async () => {
    if (!available) throw new Error(`${CHROMIUM} is missing: CI must install Debian's chromium (.ci/run does)`);
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-browser-'));
    const store = new ResultStore(out);
    const jobs = expandStudy(study);
    for (const job of jobs) {
      // What a finished original or prune writes (verified by the report).
      if (job.kind === 'original' || job.kind === 'prune') {
        store.writeFile(job.id, 'model/model.json', '{}');
        store.writeFile(job.id, 'model/weights.bin', new Uint8Array(4));
      }
      if (job.kind === 'retrain') {
        const points = Array.from({ length: job.budget * 8 }, (_, i) => ({ epoch: i / 8, lr: job.scheduleLabel === 'ft' ? 0.001 : 0.001 + 0.1 * Math.sin((Math.PI * i) / (job.budget * 8)), momentum: 0.9 }));
        store.writeFile(job.id, 'schedule.json', JSON.stringify(points));
      }
      // What every finished retrain and scratch run writes (the record lists their digests).
      if (job.kind === 'scratch') store.writeFile(job.id, 'schedule.json', '[]');
      if (job.kind === 'retrain' || job.kind === 'scratch') store.writeFile(job.id, 'history.csv', 'epoch\n0\n');
      store.write(record(job));
    }
    fs.writeFileSync(path.join(out, 'study.json'), JSON.stringify(studyFileFor(study, jobs)));
    const { reportHtml, figures } = await writeReport(out, 'browser test');
    expect(figures.map((f) => path.basename(f)).sort()).toEqual(['accuracy-vs-budget.svg', 'accuracy-vs-macs.svg', 'learning-rates.svg']);

    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-chromium-'));
    // A fresh profile folder per run (playwright passes it as --user-data-dir).
    const browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(String(error)));
      await page.goto(`file://${reportHtml}`);
      const svgs = await page.$$eval('figure svg', (nodes) =>
        nodes.map((svg) => {
          const box = svg.getBoundingClientRect();
          return { width: box.width, height: box.height, marks: svg.querySelectorAll('path, line, rect, text').length };
        }),
      );
      expect(svgs).toHaveLength(3);
      for (const svg of svgs) {
        expect(svg.width).toBeGreaterThan(100);
        expect(svg.height).toBeGreaterThan(100);
        expect(svg.marks).toBeGreaterThan(20);
      }
      expect(await page.$$eval('table', (t) => t.length)).toBeGreaterThan(4);
      expect(await page.textContent('body')).toContain('Lift over random');
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
