import * as path from 'node:path';
import { configName, defaultOut } from './definition';

describe('the default results folder is per config', () => {
  it.each([
    ['/p/fmnist.config.json', 'fmnist'],
    ['/p/prunebench.config.ts', 'prunebench'],
    ['/p/.prunebenchrc.json', 'prunebench'],
    ['/p/cifar-resnet56.yaml', 'cifar-resnet56'],
    ['/p/my-study/package.json', 'my-study'],
  ])('%s → prunebench-results/%s', (file, name) => {
    expect(configName(file)).toBe(name);
    expect(defaultOut(file)).toBe(path.join('prunebench-results', name));
  });
});
