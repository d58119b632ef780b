import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { buildChannelGraph, countCost, UsageError, type Plan } from '@prunebench/core';
import { buildCifarResNet, buildCifarVgg, VGG_WIDTHS } from '@prunebench/models';
import { makePruner, pruneContext } from '../testing/fixtures';
import { PfecAPlan, PfecBPlan, PfecCPlan, PfecDPlan } from './pfec';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const cifar = { inputShape: [32, 32, 3], numClasses: 10, seed: 1 };
const plans: Record<string, Plan> = { a: new PfecAPlan({}), b: new PfecBPlan({}), c: new PfecCPlan({}), d: new PfecDPlan({}) };
const percent = (before: number, after: number) => 100 * (1 - after / before);

/** Widths a plan gives, from the graph alone (no pruning): conv index order, stem = 1. */
function plannedWidths(model: LayersModel, letter: string): number[] {
  const graph = buildChannelGraph(model);
  const counts = plans[letter].allocate({ graph });
  return graph.convs.map((c) => counts.get(c.outputGroup) ?? graph.groups[c.outputGroup].channels);
}

/** Prunes with l1; widths of the smaller model and its cost before / after (spec rule and the paper's, without BN). */
async function prunePfec(model: LayersModel, letter: string) {
  const result = await makePruner('l1').prune(model, pruneContext({ plan: plans[letter] }));
  const widths = buildChannelGraph(result.model).convs.map((c) => (result.model.getLayer(c.layer).getConfig() as { filters: number }).filters);
  const spec = [countCost(model), countCost(result.model)];
  const paper = [countCost(model, { includeBatchNorm: false }), countCost(result.model, { includeBatchNorm: false })];
  result.model.dispose();
  return {
    widths,
    flops: percent(spec[0].macs, spec[1].macs),
    params: percent(spec[0].params, spec[1].params),
    paperParams: percent(paper[0].params, paper[1].params),
    before: { flops: spec[0].macs, paperParams: paper[0].params },
    after: { flops: spec[1].macs, paperParams: paper[1].params },
  };
}

/** Block-first convs of a CIFAR ResNet are the even ones: the widths of those, stage by stage. */
const firstConvWidths = (widths: number[]) => widths.filter((_, i) => (i + 1) % 2 === 0);

describe('PFEC plans', () => {
  it('VGG-16 A, B, C give the spec\'s widths; A cuts FLOPs 34.2% and params 64.0%', async () => {
    const vgg = buildCifarVgg('vgg16', cifar, VGG_WIDTHS.vgg16);
    expect(plannedWidths(vgg, 'b')).toEqual([32, 64, 128, 128, 196, 196, 196, 196, 196, 256, 256, 256, 256]);
    expect(plannedWidths(vgg, 'c')).toEqual([32, 64, 64, 128, 128, 128, 128, 196, 196, 196, 196, 196, 196]);
    expect(() => plannedWidths(vgg, 'd')).toThrow(UsageError);
    const a = await prunePfec(vgg, 'a');
    expect(a.widths).toEqual([32, 64, 128, 128, 256, 256, 256, 256, 256, 256, 256, 256, 256]);
    expect(a.flops.toFixed(1)).toBe('34.2');
    expect(a.params.toFixed(1)).toBe('64.0');
    expect(a.paperParams.toFixed(1)).toBe('64.0');
    // The paper's absolute figures: 3.13e8 → 2.06e8 FLOPs, 1.5e7 → 5.4e6 params.
    expect([a.before.flops, a.after.flops].map((f) => f.toPrecision(3))).toEqual(['3.13e+8', '2.06e+8']);
    expect([a.before.paperParams, a.after.paperParams].map((p) => p.toPrecision(2))).toEqual(['1.5e+7', '5.4e+6']);
    vgg.dispose();
  });

  it('ResNet-56 B: spec widths, FLOPs −27.6%, params −13.7% (see README on the last digit)', async () => {
    const resnet = buildCifarResNet(56, cifar);
    const b = await prunePfec(resnet, 'b');
    // Stage ratios 0.6 / 0.3 / 0.1 → 6 / 22 / 57 channels; skipped convs 16, 18, 20, 34, 38, 54 whole.
    const expected = [2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40, 42, 44, 46, 48, 50, 52, 54].map((n) =>
      [16, 18, 20, 34, 38, 54].includes(n) ? (n <= 18 ? 16 : n <= 36 ? 32 : 64) : n <= 18 ? 6 : n <= 36 ? 22 : 57,
    );
    expect(firstConvWidths(b.widths)).toEqual(expected);
    // Block outputs are never pruned.
    expect(b.widths.filter((_, i) => i % 2 === 0)).toEqual([16, ...Array(9).fill(16), ...Array(9).fill(32), ...Array(9).fill(64)]);
    expect(b.flops.toFixed(1)).toBe('27.6');
    expect([b.before.flops, b.after.flops].map((f) => f.toPrecision(3))).toEqual(['1.25e+8', '9.09e+7']);
    expect([b.before.paperParams, b.after.paperParams].map((p) => p.toPrecision(2))).toEqual(['8.5e+5', '7.3e+5']);
    // 13.77% under the paper's counting (BN excluded), 13.75% under the spec's: the paper prints 13.7.
    expect(Math.abs(b.paperParams - 13.7)).toBeLessThan(0.1);
    expect(Math.abs(b.params - 13.7)).toBeLessThan(0.1);
    resnet.dispose();
  });

  it('ResNet-110 B: spec widths, FLOPs −38.6% (see README on the last digit), params −32.4%', async () => {
    const resnet = buildCifarResNet(110, cifar);
    const b = await prunePfec(resnet, 'b');
    const firsts = firstConvWidths(b.widths);
    const numbers = firsts.map((_, i) => 2 * (i + 1));
    expect(firsts).toEqual(
      numbers.map((n) => ([36, 38, 74].includes(n) ? (n <= 36 ? 16 : n <= 72 ? 32 : 64) : n <= 36 ? 8 : n <= 72 ? 19 : 44)),
    );
    // 38.66%: the paper prints 38.6 (its absolute figures, 2.53e8 → 1.55e8, match ours exactly).
    expect(Math.abs(b.flops - 38.6)).toBeLessThan(0.1);
    expect(b.params.toFixed(1)).toBe('32.4');
    expect([b.before.flops, b.after.flops].map((f) => f.toPrecision(3))).toEqual(['2.53e+8', '1.55e+8']);
    expect([b.before.paperParams, b.after.paperParams].map((p) => p.toPrecision(3))).toEqual(['1.72e+6', '1.16e+6']);
    resnet.dispose();
  });

  it('refuses a model a plan was not made for', () => {
    const resnet20 = buildCifarResNet(20, cifar);
    expect(() => plannedWidths(resnet20, 'a')).toThrow(/pfec-a" is defined for CIFAR VGG-16, CIFAR ResNet-56, CIFAR ResNet-110 only/);
    expect(() => plannedWidths(resnet20, 'a')).toThrow(/docs\/spec\/pruning-plans\.md in the prunebench repository/);
    expect(() => plannedWidths(resnet20, 'a')).toThrow(UsageError);
    resnet20.dispose();
  });
});
