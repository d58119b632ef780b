// Every built-in schedule against the conformance kit, exactly as a third-party schedule runs it.
import { describeScheduleConformance, useBackend } from '@prunebench/core/testing';
import { wasmBackend } from '@prunebench/backend-wasm';
import { plugin } from './index';

// The kit runs on the backend its caller sets up: the one users get.
beforeAll(() => useBackend(wasmBackend));

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
