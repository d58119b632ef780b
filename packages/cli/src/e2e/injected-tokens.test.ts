/**
 * What docs/writing-a-plugin.md §4 says a component may inject (OPTIONS, COMPONENTS, REGISTRY,
 * RNG, LEDGER) is provided on every path that makes components: the study's config check and
 * its runs, `prunebench prune`, `inspect --plan` and `schedule`, and the conformance kit.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { modelArtifacts, selectBackend, writeModelFiles } from '@prunebench/harness';
import { plugin as models } from '@prunebench/models';
import pruners from '@prunebench/pruners';
import { conformanceEnvironment } from '@prunebench/core/testing';
import type { ModelFactory } from '@prunebench/core';
import { main } from '../main';
import { collectingIo } from '../test-io';
import { injected, TokenProbeCriterion } from './test-token-plugin';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-tokens-'));
const pluginPath = path.join(__dirname, 'test-token-plugin.ts');
const configFile = path.join(root, 'prunebench.config.json');
const ALL_TOKENS = { rng: true, ledger: true, registry: true, components: true };

beforeAll(async () => {
  await selectBackend('wasm');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      plugins: [pluginPath],
      dataset: { use: 'synthetic', inputShape: [8, 8, 1], numClasses: 3, trainSize: 32, testSize: 16, noise: 0.3 },
      model: { use: 'vgg-small', widths: [4, 'M', 8, 'M'], hiddenUnits: 8 },
      original: { epochs: 1, batchSize: 16, lr: 0.05, milestones: [], gamma: 0.1, momentum: 0.9 },
      pruners: [{ use: 'token-probe', plan: { use: 'uniform', ratio: 0.5 } }],
      schedules: ['token-constant'],
      budgets: [1],
      seeds: [0],
      backend: 'wasm',
      workers: 1,
      out: path.join(root, 'results'),
    }),
  );
});
beforeEach(() => void injected.splice(0));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

const cli = async (args: string[]) => ((io) => main(args, io).then((code) => ({ code, stderr: io.stderr() })))(collectingIo());

describe('every token a component may inject is provided where components are made', () => {
  it('the study: its config check and its runs (the run ledger is the one injected)', async () => {
    const result = await cli(['run', '--config', configFile]);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.not.stringMatching(/error|cannot/i) });
    expect(injected.filter((i) => i.component === 'criterion').length).toBeGreaterThanOrEqual(2);
    expect(injected.filter((i) => i.component === 'schedule').length).toBeGreaterThanOrEqual(2);
    for (const entry of injected) expect(entry).toMatchObject(ALL_TOKENS);
    // Every criterion that pruned (the study's prune, and the ETA's trial prune) injected that prune's ledger.
    const pruned = injected.filter((i) => i.sameLedgerAsContext !== undefined);
    expect(pruned.length).toBeGreaterThanOrEqual(1);
    for (const entry of pruned) expect(entry.sameLedgerAsContext).toBe(true);
  }, 120_000);

  it('prunebench prune', async () => {
    const factory = new (models.models!.find((m) => m.id === 'vgg-small')!)({ widths: [4, 'M', 8, 'M'], hiddenUnits: 8 }) as ModelFactory;
    const model = factory.build({ inputShape: [8, 8, 1], numClasses: 3, seed: 1 });
    const modelDir = path.join(root, 'model');
    writeModelFiles(modelDir, await modelArtifacts(model));
    model.dispose();
    const out = path.join(root, 'pruned');
    const result = await cli(['prune', modelDir, '--criterion', 'token-probe', '--plan', 'uniform', '--ratio', '0.5', '--config', configFile, '--out', out, '--backend', 'wasm', '--latency-runs', '1', '--throughput-batch', '2', '--json']);
    expect(result.code).toBe(0);
    expect(injected).toEqual([expect.objectContaining({ ...ALL_TOKENS, sameLedgerAsContext: true })]);
  }, 60_000);

  it('prunebench inspect --plan', async () => {
    const result = await cli(['inspect', '--model', 'vgg-small', '--input', '8x8x1', '--classes', '3', '--plan', 'uniform', '--ratio', '0.5', '--criterion', 'token-probe', '--config', configFile, '--json']);
    expect(result.code).toBe(0);
    expect(injected).toEqual([expect.objectContaining({ ...ALL_TOKENS, sameLedgerAsContext: true })]);
  }, 60_000);

  it('prunebench schedule', async () => {
    const result = await cli(['schedule', 'token-constant', '--epochs', '2', '--steps-per-epoch', '3', '--config', configFile, '--json']);
    expect(result.code).toBe(0);
    expect(injected).toEqual([expect.objectContaining({ component: 'schedule', ...ALL_TOKENS })]);
  });

  it('the conformance kit', () => {
    const env = conformanceEnvironment('criterion', { componentClass: TokenProbeCriterion, plugins: [pruners] });
    env.create({});
    expect(injected).toEqual([expect.objectContaining({ component: 'criterion', ...ALL_TOKENS })]);
  });
});
