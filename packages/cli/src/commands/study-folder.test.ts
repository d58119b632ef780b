import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../main';
import { collectingIo } from '../test-io';
import { tinyStudyConfig } from '../test-study';

// A results folder belongs to one study: its report holds exactly the jobs of the definition in
// study.json, whatever else lies in runs/.
describe('a study reports exactly its own jobs', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-folder-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  const configFile = path.join(root, 'tiny.config.json');
  const out = path.join(root, 'prunebench-results', 'tiny');
  const write = (file: string, overrides: Record<string, unknown>) => {
    const { out: _out, ...config } = tinyStudyConfig('', { pruners: [{ use: 'l1', plan: { use: 'uniform', ratio: 0.5 } }], schedules: ['ft'] });
    fs.writeFileSync(file, JSON.stringify({ ...config, ...overrides }));
  };
  const run = async (argv: string[]) => {
    const io = collectingIo();
    const code = await main(argv, io);
    return { code, stdout: io.stdout(), stderr: io.stderr() };
  };
  const runFolders = () => fs.readdirSync(path.join(out, 'runs')).sort();

  it('writes to prunebench-results/<config name>/ and pins the definition and its jobs in study.json', async () => {
    write(configFile, {});
    const first = await run(['run', '--config', configFile]);
    expect(first.stderr).not.toMatch(/Error/);
    expect(first.code).toBe(0);
    const pinned = JSON.parse(fs.readFileSync(path.join(out, 'study.json'), 'utf8'));
    expect(pinned).toEqual(expect.objectContaining({ format: 1, configFile, definitionHash: expect.stringMatching(/^[0-9a-f]+$/) }));
    expect(pinned.jobs.map((j: { id: string }) => j.id).sort()).toEqual(runFolders());
    expect(pinned.study.original.lr).toBe(0.05);
  });

  it('a changed definition in the same folder: the earlier runs are listed as not part of the study, never averaged in', async () => {
    const earlier = runFolders();
    write(configFile, { original: { ...tinyStudyConfig('').original, lr: 0.02 } });
    const second = await run(['run', '--config', configFile]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/definition changed since the last run into this folder: 3 run\(s\) of the earlier definition are not part of this study/);
    const summary = fs.readFileSync(path.join(out, 'summary.md'), 'utf8');
    expect(summary).toMatch(/test top-1 [\d.]+ % over 1 seed\(s\)\./); // one seed, not the two folders mixed in
    expect(summary).toMatch(/3 run folder\(s\) under runs\/ are not part of this study .*prunebench clean/);
    expect(summary).toMatch(/\| l1\/uniform \| ft \| 1 \| [^|]+ \| 1 \|/);
    const reported = fs.readFileSync(path.join(out, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).id);
    expect(reported).toHaveLength(3);
    for (const id of earlier) expect(reported).not.toContain(id);
  });

  it('prunebench clean DIR removes them (and --dry-run only lists them)', async () => {
    const dry = await run(['clean', out, '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/Would remove 3 run folder\(s\) not part of the study; kept 3 run\(s\) of the study/);
    expect(runFolders()).toHaveLength(6);
    const clean = await run(['clean', out]);
    expect(clean.stdout).toMatch(/^removing runs\/\S+$/m);
    expect(runFolders()).toHaveLength(3);
    expect((await run(['report', out])).code).toBe(0);
    expect(fs.readFileSync(path.join(out, 'summary.md'), 'utf8')).not.toMatch(/not part of this study/);
  });

  it('refuses another config\'s study in the folder (exit 2), and says what to do', async () => {
    const other = path.join(root, 'other.config.json');
    write(other, { out });
    const refused = await run(['run', '--config', other]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(new RegExp(`holds the results of the study of ${configFile.replace(/[.]/g, '\\.')}, not of the study of ${other.replace(/[.]/g, '\\.')}: give this study its own folder \\(--out DIR`));
    expect(runFolders()).toHaveLength(3);
  });
});
