import { inject, injectable } from 'tsyringe';
import { OPTIONS, UsageError, type ChannelGraph, type JsonSchema, type Plan, type PlanClass, type PlanInput } from '@prunebench/core';
import { keepCount } from '../util/ranking';
import { roundKeptCounts, roundToOptionSchema } from './plan-targets';

/**
 * The plans of PFEC (Li et al. 2016) as the reference study uses them, from
 * docs/spec/pruning-plans.md. A plan fits a model by its structure (conv widths and residual
 * blocks, read from the channel graph), never by the model's name, so any network built like
 * CIFAR VGG-16 or ResNet-56/110 fits and anything else is refused with the reason.
 */

type Letter = 'a' | 'b' | 'c' | 'd';

/** CIFAR VGG-16: 13 convs (in order) and the widths each plan keeps. */
const VGG16_WIDTHS = [64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512];
const VGG16_PLANS: Partial<Record<Letter, number[]>> = {
  a: [32, 64, 128, 128, 256, 256, 256, 256, 256, 256, 256, 256, 256],
  b: [32, 64, 128, 128, 196, 196, 196, 196, 196, 256, 256, 256, 256],
  c: [32, 64, 64, 128, 128, 128, 128, 196, 196, 196, 196, 196, 196],
};

/** A CIFAR ResNet plan: block-first convs left whole and the ratio of each stage. */
interface ResNetPlan {
  skip: number[];
  ratios: [number, number, number];
}

/** CIFAR ResNets the PFEC plans cover: conv count, the last conv number of each stage, stage widths. */
interface ResNetShape {
  name: string;
  convs: number;
  stageEnds: [number, number, number];
  widths: [number, number, number];
  plans: Partial<Record<Letter, ResNetPlan>>;
}

const RESNET56_SKIP_B = [16, 18, 20, 34, 38, 54];
const RESNET110_SKIP_B = [36, 38, 74];
const RESNETS: ResNetShape[] = [
  {
    name: 'ResNet-56',
    convs: 55,
    stageEnds: [18, 36, 56],
    widths: [16, 32, 64],
    plans: {
      a: { skip: [16, 20, 38, 54], ratios: [0.1, 0.1, 0.1] },
      b: { skip: RESNET56_SKIP_B, ratios: [0.6, 0.3, 0.1] },
      c: { skip: RESNET56_SKIP_B, ratios: [0.6, 0.5, 0.4] },
      d: { skip: RESNET56_SKIP_B, ratios: [0.6, 0.6, 0.6] },
    },
  },
  {
    name: 'ResNet-110',
    convs: 109,
    stageEnds: [36, 72, 110],
    widths: [16, 32, 64],
    plans: {
      a: { skip: [36], ratios: [0.5, 0, 0] },
      b: { skip: RESNET110_SKIP_B, ratios: [0.5, 0.4, 0.3] },
      c: { skip: RESNET110_SKIP_B, ratios: [0.5, 0.5, 0.5] },
      d: { skip: RESNET110_SKIP_B, ratios: [0.5, 0.6, 0.7] },
    },
  },
];

function widthOf(graph: ChannelGraph, convIndex: number): number {
  return graph.groups[graph.convs[convIndex - 1].outputGroup].channels;
}

function isCifarVgg16(graph: ChannelGraph): boolean {
  return (
    graph.convs.length === VGG16_WIDTHS.length &&
    graph.convs.every((c, i) => c.className === 'Conv2D' && !c.residual && widthOf(graph, i + 1) === VGG16_WIDTHS[i])
  );
}

/** Every conv but the stem in a residual block, block-first convs even, stage widths as expected. */
function matchesResNet(graph: ChannelGraph, shape: ResNetShape): boolean {
  if (graph.convs.length !== shape.convs) return false;
  return graph.convs.every((conv) => {
    if (conv.index === 1) return !conv.residual;
    // A block's second conv (odd) belongs to the stage of its first (even) one.
    const stage = shape.stageEnds.findIndex((end) => conv.index - (conv.index % 2) <= end);
    const first = conv.residual?.position === 'first';
    return (
      conv.className === 'Conv2D' &&
      conv.residual !== undefined &&
      first === (conv.index % 2 === 0) &&
      widthOf(graph, conv.index) === shape.widths[stage]
    );
  });
}

function describeModel(graph: ChannelGraph): string {
  const residual = graph.convs.filter((c) => c.residual).length;
  return `${graph.convs.length} convs${residual ? ` (${residual} in residual blocks)` : ''}, widths ${graph.convs
    .map((c) => widthOf(graph, c.index))
    .join(' ')}`;
}

/** Shared by pfec-a … pfec-d. */
abstract class PfecPlan implements Plan {
  protected abstract readonly letter: Letter;
  abstract readonly options: PfecPlanOptions;

  allocate(input: PlanInput): Map<number, number> {
    return roundKeptCounts(input.graph, this.paperCounts(input), this.options?.roundTo);
  }

  /** The paper's widths. */
  private paperCounts({ graph }: PlanInput): Map<number, number> {
    const id = `pfec-${this.letter}`;
    const vgg = VGG16_PLANS[this.letter];
    if (vgg && isCifarVgg16(graph)) {
      const counts = new Map<number, number>();
      vgg.forEach((keep, i) => {
        const conv = graph.convs[i];
        const group = graph.groups[conv.outputGroup];
        if (keep < group.channels) {
          if (!group.prunable) throw new UsageError(`plan "${id}": conv ${conv.index} (${conv.layer}) cannot be pruned: ${group.reasons.join('; ')}`);
          counts.set(group.id, keep);
        }
      });
      return counts;
    }
    for (const shape of RESNETS) {
      const plan = shape.plans[this.letter];
      if (!plan || !matchesResNet(graph, shape)) continue;
      const counts = new Map<number, number>();
      for (const conv of graph.convs) {
        if (conv.residual?.position !== 'first' || plan.skip.includes(conv.index)) continue;
        const ratio = plan.ratios[shape.stageEnds.findIndex((end) => conv.index <= end)];
        const group = graph.groups[conv.outputGroup];
        const keep = keepCount(group.channels, ratio);
        if (keep === group.channels) continue;
        if (!group.prunable) throw new UsageError(`plan "${id}": conv ${conv.index} (${conv.layer}) cannot be pruned: ${group.reasons.join('; ')}`);
        counts.set(group.id, keep);
      }
      return counts;
    }
    const fits = [vgg ? 'CIFAR VGG-16' : undefined, ...RESNETS.filter((r) => r.plans[this.letter]).map((r) => `CIFAR ${r.name}`)]
      .filter(Boolean)
      .join(', ');
    throw new UsageError(
      `plan "${id}" is defined for ${fits} only (see docs/spec/pruning-plans.md in the prunebench repository), and this model is none of them ` +
        `(${describeModel(graph)}). Use "uniform", "per-layer" or "global" for other models.`,
    );
  }
}

export interface PfecPlanOptions {
  /** Kept counts rounded up to a multiple of this (default 1: the paper's widths exactly). */
  roundTo?: number;
}

const pfecOptions: JsonSchema = { type: 'object', properties: { roundTo: roundToOptionSchema }, additionalProperties: false };

/** The component class of one PFEC plan: only the letter differs between them. */
function pfecPlan(letter: Letter, fits: string): PlanClass {
  @injectable()
  class PfecLetterPlan extends PfecPlan {
    static readonly id = `pfec-${letter}`;
    static readonly description = `PFEC plan ${letter.toUpperCase()}: ${fits} (Li et al. 2016)`;
    static readonly optionsSchema = pfecOptions;
    protected readonly letter = letter;
    constructor(@inject(OPTIONS) readonly options: PfecPlanOptions) {
      super();
    }
  }
  // Messages name the class: give each its own name.
  Object.defineProperty(PfecLetterPlan, 'name', { value: `Pfec${letter.toUpperCase()}Plan` });
  return PfecLetterPlan;
}

export const PfecAPlan = pfecPlan('a', 'CIFAR VGG-16, ResNet-56, ResNet-110');
export const PfecBPlan = pfecPlan('b', 'CIFAR VGG-16, ResNet-56, ResNet-110');
export const PfecCPlan = pfecPlan('c', 'CIFAR VGG-16, ResNet-56, ResNet-110');
export const PfecDPlan = pfecPlan('d', 'CIFAR ResNet-56, ResNet-110');
