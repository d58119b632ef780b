import { UsageError } from '@prunebench/core';
import type { StudyDefinition } from './definition';
import { parseStudyFile, StudyFileDamagedError, studyFileFor } from './study-file-check';

const study = {
  dataset: { id: 'synthetic', options: {} },
  model: { id: 'tiny', options: {} },
  original: { epochs: 2, lr: 0.1, milestones: [1], gamma: 0.1, batchSize: 8, momentum: 0.9, weightDecay: 0, nesterov: false, dropLast: true },
  pruners: [{ id: 'l1', options: {} }, { id: 'random', options: {} }],
  schedules: [{ id: 'ft', options: {} }, { id: 'clr', options: {} }],
  budgets: [1, 2],
  seeds: [0, 1],
  pruneSeeds: null,
  budgetAccounting: 'retraining',
  identity: { backend: true },
  backend: 'wasm',
  workers: 1,
  out: '/results',
  configFile: '/study.config.json',
  plugins: [],
} as unknown as StudyDefinition;
const FILE = '/results/study.json';
const text = (value: unknown) => JSON.stringify(value);

describe('study.json is checked whole before anything acts on it', () => {
  it('accepts the file pinStudy writes: the definition, its hash and exactly the jobs it derives', () => {
    const file = studyFileFor(study);
    expect(file.jobs).toHaveLength(2 * (1 + 2 * (1 + 2 * 2)));
    expect(parseStudyFile(FILE, text(file))).toEqual(file);
  });

  it.each<[string, (file: ReturnType<typeof studyFileFor>) => string, RegExp]>([
    ['a job list cut to 3 jobs (valid JSON)', (f) => text({ ...f, jobs: f.jobs.slice(0, 3) }), /lists 3 job\(s\) that are not the 22 its definition derives/],
    ['a job list with a job swapped for another id', (f) => text({ ...f, jobs: [...f.jobs.slice(1), { ...f.jobs[0], id: 'original-000000000000' }] }), /lists 22 job\(s\) that are not the 22/],
    ['an edited definition (hash unchanged)', (f) => text({ ...f, study: { ...f.study, budgets: [1] } }), /definitionHash that is not its definition's/],
    ['a definition and hash edited together, the job list left alone', (f) => {
      const edited = studyFileFor({ ...study, budgets: [1] });
      return text({ ...edited, jobs: f.jobs });
    }, /lists 22 job\(s\) that are not the 14/],
    ['a truncated file', (f) => text(f).slice(0, 300), /is not valid JSON \(300 bytes: cut short\?\)/],
    ['a file with no definition', () => '{"format": 1, "jobs": []}', /holds no study definition/],
  ])('refuses %s, in one line naming the file and what to do', (_what, damage, why) => {
    const attempt = () => parseStudyFile(FILE, damage(studyFileFor(study)));
    expect(attempt).toThrow(StudyFileDamagedError);
    expect(attempt).toThrow(why);
    expect(attempt).toThrow(/^\/results\/study\.json .*: run `prunebench run` with this study's config \(and --out \/results\) to rebuild it/);
    try {
      attempt();
    } catch (error) {
      expect((error as Error).message).not.toMatch(/\n/);
      expect(error).toBeInstanceOf(UsageError);
    }
  });
});
