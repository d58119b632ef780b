// Every built-in schedule against the conformance kit, exactly as a third-party schedule runs it.
import { describeScheduleConformance } from '@prunebench/core/testing';
import { plugin } from './index';

const sampleOptions: Record<string, Record<string, unknown>> = {
  warmup: { schedule: 'cosine', fraction: 0.3 },
};
const invalidOptions: Record<string, Array<Record<string, unknown>>> = {
  warmup: [{ schedule: 'no-such-schedule' }, { schedule: 'cosine', epochs: 1, fraction: 0.5 }],
};

for (const componentClass of plugin.schedules) {
  describeScheduleConformance({
    componentClass,
    options: sampleOptions[componentClass.id],
    invalidOptions: invalidOptions[componentClass.id],
    plugins: [plugin],
  });
}
