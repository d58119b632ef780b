import { definePlugin, PLUGIN_API_VERSION } from '@prunebench/core';
import { FineTuneSchedule } from './ft';
import { LrRewindingSchedule } from './lrw';
import { ScaledLrRestartingSchedule } from './slr';
import { CyclicLrRestartingSchedule } from './clr';
import { OneCycleDiv10Schedule, OneCycleNoMomentumSchedule } from './clr-variants';
import { ConstantSchedule } from './constant';
import { StepSchedule } from './step';
import { CosineSchedule } from './cosine';
import { WarmupSchedule } from './warmup';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { name, version } = require('../package.json') as { name: string; version: string };

export { FineTuneSchedule, type FineTuneOptions } from './ft';
export { LrRewindingSchedule, type LrRewindingOptions } from './lrw';
export { ScaledLrRestartingSchedule, type ScaledLrRestartingOptions } from './slr';
export { CyclicLrRestartingSchedule, type CyclicLrRestartingOptions, oneCycleOptionsSchema } from './clr';
export { OneCycleNoMomentumSchedule, OneCycleDiv10Schedule } from './clr-variants';
export { ConstantSchedule, type ConstantOptions } from './constant';
export { StepSchedule, type StepOptions } from './step';
export { CosineSchedule, type CosineOptions } from './cosine';
export { WarmupSchedule, type WarmupOptions } from './warmup';

/** The ids of the four retraining schedules of the study, in its order. */
export const RETRAINING_SCHEDULE_IDS = ['ft', 'lrw', 'slr', 'clr'] as const;

/** The built-in schedules, as a plugin like any third party's. */
export const plugin = definePlugin({
  name,
  version,
  apiVersion: PLUGIN_API_VERSION,
  schedules: [
    FineTuneSchedule,
    LrRewindingSchedule,
    ScaledLrRestartingSchedule,
    CyclicLrRestartingSchedule,
    OneCycleNoMomentumSchedule,
    OneCycleDiv10Schedule,
    ConstantSchedule,
    StepSchedule,
    CosineSchedule,
    WarmupSchedule,
  ],
});

export default plugin;
