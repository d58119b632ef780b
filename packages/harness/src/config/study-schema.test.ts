import { ConfigErrors } from '@prunebench/core';
import { configStructureErrors, validateConfigStructure } from '@prunebench/core/config';
import { BACKEND_NAMES } from '../backend/select';
import { BASELINE_NAMES } from '../study/baselines';
import { studyConfigSchema } from './study-schema';

describe('studyConfigSchema: the harness owns the names of baselines and backends', () => {
  it('core checks only that they are strings; the harness narrows them to its lists', () => {
    const config = { backend: 'tensorflw', baselines: ['scratch-c'] };
    expect(configStructureErrors(config)).toEqual([]);
    const problems = configStructureErrors(config, undefined, studyConfigSchema).map((e) => `${e.keyPath}: ${e.problem}`);
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^backend: "tensorflw" is not one of .* — did you mean "tensorflow"\?/), expect.stringMatching(/^baselines\[0\]: "scratch-c" is not one of .* — did you mean "scratch-e"\?/)]),
    );
    expect(problems).toHaveLength(2);
    expect(() => validateConfigStructure({ backend: 1 }, undefined, studyConfigSchema)).toThrow(ConfigErrors);
  });

  it('accepts every name of the two lists', () => {
    for (const backend of BACKEND_NAMES) expect(configStructureErrors({ backend, baselines: [...BASELINE_NAMES] }, undefined, studyConfigSchema)).toEqual([]);
  });
});
