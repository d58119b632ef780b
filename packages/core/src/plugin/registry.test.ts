import { container } from 'tsyringe';
import { DuplicateComponentError, InvalidPluginError, PluginApiVersionError, UnknownComponentError } from '../errors';
import { createComponent } from './create';
import { Registry } from './registry';
import { FakeConstantSchedule, fakePlugin } from './test-fixtures';
import type { Schedule } from '../interfaces/schedule';

const source = { packageName: 'prunebench-plugin-fake', packageVersion: '1.2.3' };

describe('Registry', () => {
  it('registers components by kind and id', () => {
    const registry = new Registry();
    registry.add(fakePlugin(), source);
    expect(registry.ids('schedule')).toEqual(['clr', 'fake-constant']);
    expect(registry.get('schedule', 'clr').plugin.source.packageName).toBe('prunebench-plugin-fake');
    expect(registry.list('pruner')).toEqual([]);
  });

  it('refuses an id claimed twice, naming both plugins, and stays unchanged', () => {
    const registry = new Registry();
    registry.add(fakePlugin(), source);
    const other = fakePlugin({ name: 'prunebench-plugin-other', schedules: [FakeConstantSchedule] });
    expect(() => registry.add(other, { packageName: 'prunebench-plugin-other' })).toThrow(DuplicateComponentError);
    expect(() => registry.add(other, { packageName: 'prunebench-plugin-other' })).toThrow(
      /schedule id "fake-constant" is claimed twice: by plugin "prunebench-plugin-fake" and by plugin "prunebench-plugin-other"/,
    );
    expect(registry.listPlugins()).toHaveLength(1);
  });

  it('refuses a plugin for another API version with what to do', () => {
    const registry = new Registry();
    expect(() => registry.add(fakePlugin({ apiVersion: 99 }), source)).toThrow(PluginApiVersionError);
    expect(() => registry.add(fakePlugin({ apiVersion: 99 }), source)).toThrow(
      /plugin "prunebench-plugin-fake" was written for plugin API 99, but this prunebench speaks API 2/,
    );
  });

  it('explains what is wrong with a malformed plugin', () => {
    const registry = new Registry();
    const bad = { name: 'prunebench-plugin-bad', version: '1', apiVersion: 1, pruners: [class NoId {}] };
    expect(() => registry.add(bad as never, { packageName: 'prunebench-plugin-bad' })).toThrow(InvalidPluginError);
    expect(() => registry.add(bad as never, { packageName: 'prunebench-plugin-bad' })).toThrow(/pruners\[0\] \(NoId\) needs a static "id"/);
    expect(() => registry.add({ name: 'x', version: '1', apiVersion: 1, models: 'vgg' } as never, source)).toThrow(
      /"models" must be an array of model classes/,
    );
  });

  it('explains an unknown id with the closest known one', () => {
    const registry = new Registry();
    registry.add(fakePlugin(), source);
    expect(() => registry.get('schedule', 'clrr')).toThrow(UnknownComponentError);
    expect(() => registry.get('schedule', 'clrr')).toThrow(/unknown schedule "clrr" — did you mean "clr"\?/);
  });
});

describe('createComponent', () => {
  it('constructs with validated options and defaults filled in', () => {
    const registry = new Registry();
    registry.add(fakePlugin(), source);
    const schedule = createComponent<Schedule & { options: { lr: number } }>(container, registry, 'schedule', 'fake-constant');
    expect(schedule.options.lr).toBe(0.01);
    const custom = createComponent<Schedule & { options: { lr: number } }>(container, registry, 'schedule', 'fake-constant', { lr: 0.5 });
    expect(custom.compute({ epochs: 1, lr: 0.1, milestones: [], gamma: 0.1 }, { epochs: 2, stepsPerEpoch: 3 })).toHaveLength(6);
    expect(custom.options.lr).toBe(0.5);
  });

  it('refuses bad and unknown options with the key and a suggestion', () => {
    const registry = new Registry();
    registry.add(fakePlugin(), source);
    expect(() => createComponent(container, registry, 'schedule', 'fake-constant', { lr: -1 })).toThrow(/lr: must be > 0/);
    expect(() => createComponent(container, registry, 'schedule', 'fake-constant', { lrr: 1 })).toThrow(
      /unknown key "lrr" — did you mean "lr"\?/,
    );
  });
});
