/**
 * `prunebench serve` in a real browser (Debian's chromium, headless, driven by playwright-core):
 * a study runs in its own process; the page shows it running, and its content changes as runs
 * finish — counts, statuses, then the results table and Figure 2, whose seed dots name their
 * run on hover. Skipped only where chromium is missing outside CI (under CI=true it fails).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startLiveServer, type LiveServer } from '@prunebench/harness';
import { tinyStudyConfig } from '../test-study';

const CHROMIUM = '/usr/bin/chromium';
const available = fs.existsSync(CHROMIUM);
const ci = process.env.CI === 'true' || process.env.CI === '1';
const maybe = available || ci ? describe : describe.skip;
const repo = path.resolve(__dirname, '..', '..', '..', '..');
const bin = path.join(repo, 'packages', 'cli', 'dist', 'bin.js');

maybe('prunebench serve (headless chromium)', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-serve-'));
  let server: LiveServer;
  let browser: Browser;
  let study: ChildProcess | undefined;

  beforeAll(async () => {
    // The study runs the built CLI in its own process; tsc -b is incremental.
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-b', path.join(repo, 'packages', 'cli')], { stdio: 'inherit' });
    server = await startLiveServer({ folders: [root], port: 0, pollMs: 250 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  }, 240_000);

  afterAll(async () => {
    study?.kill('SIGKILL');
    await browser?.close();
    await server?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('shows a running study and updates as its runs finish', async () => {
    const out = path.join(root, 'tiny');
    const config = path.join(root, 'tiny.json');
    // Originals long enough (10 epochs of 512 images) for a loss curve of a few points (progress comes once a second).
    const base = tinyStudyConfig(out);
    fs.writeFileSync(config, JSON.stringify({ ...base, dataset: { ...base.dataset, trainSize: 512 }, pruners: [{ use: 'l1', plan: { use: 'uniform', ratio: 0.5 } }], seeds: [0, 1], original: { ...base.original, epochs: 10 } }));
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => void (m.type() === 'error' && errors.push(m.text())));
    await page.goto(server.url);
    await page.waitForSelector('text=No study under these folders yet');

    study = spawn(process.execPath, [bin, 'run', '--config', config], { stdio: 'ignore' });
    const section = page.locator('section[data-study]');
    // The study appears, running, with a run in flight.
    await page.waitForSelector('section[data-study][data-state="running"] [data-status="running"]', { timeout: 120_000 });
    // While it trains, its loss so far is drawn.
    await page.waitForSelector('[id^="loss-"] svg path', { timeout: 60_000 });
    const endedAt = async () => Number(await section.locator('[data-counts]').getAttribute('data-ended'));
    const before = await endedAt();
    expect(await section.locator('[data-counts]').getAttribute('data-total')).toBe('8');
    // A run ends: the page's count and statuses change without a reload.
    await section.locator(`[data-counts]:not([data-ended="${before}"])`).waitFor({ timeout: 120_000 });
    expect(await endedAt()).toBeGreaterThan(before);
    expect(await section.locator('[data-status="finished"]').count()).toBeGreaterThan(0);
    // Every run ends: the results table and Figure 2 are drawn.
    await page.waitForSelector('section[data-study][data-state="done"]', { timeout: 180_000 });
    await page.waitForSelector('table[data-results="1"]');
    expect(await page.locator('table[data-results="1"] tbody tr').count()).toBe(1);
    await page.waitForSelector('[id^="figure-"] svg .mark-symbol path');
    // Hover a seed's dot (the last layer): the tooltip names its run.
    const dots = page.locator('[id^="figure-"] svg g.mark-symbol.role-mark').last().locator('path');
    expect(await dots.count()).toBeGreaterThanOrEqual(2);
    await dots.first().hover({ force: true });
    await page.waitForSelector('#vg-tooltip-element', { state: 'visible', timeout: 10_000 });
    expect(await page.locator('#vg-tooltip-element').innerText()).toMatch(/retrain-[0-9a-f]+/);
    expect(errors).toEqual([]);
    await page.close();
  }, 300_000);
});
