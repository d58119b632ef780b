// One colour per schedule across every chart prunebench draws: the CLI's Figure 1 and the report's figures.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { scheduleColours } from '@prunebench/harness';
import { main } from '../main';
import { collectingIo } from '../test-io';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prunebench-schedule-colours-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function getSchedules(names: string[]): Promise<string> {
  const file = path.join(dir, `${names.join('-')}.svg`);
  expect(await main(['schedule', ...names, '--epochs', '4', '--steps-per-epoch', '5', '--svg', file], collectingIo())).toBe(0);
  return fs.readFileSync(file, 'utf8');
}

/** The 6-digit colours lines and legend symbols are stroked with (axes and grids are 3-digit greys). */
const strokes = (svg: string) => new Set([...svg.matchAll(/stroke="(#[0-9a-f]{6})"/gi)].map((m) => m[1].toLowerCase()));

describe('schedule colours', () => {
  it('a schedule has its colour whatever the other schedules of the chart', () => {
    const all = scheduleColours(['ft', 'lrw', 'slr', 'clr']);
    expect(new Set(all).size).toBe(4);
    expect(scheduleColours(['clr', 'ft'])).toEqual([all[3], all[0]]);
    expect(scheduleColours(['slr'])).toEqual([all[2]]);
    // Names it does not know take colours no other name of the chart has.
    const mixed = scheduleColours(['ft', 'mine', 'clr']);
    expect(new Set(mixed).size).toBe(3);
  });

  it('`prunebench schedule ft slr --svg` draws SLR in the report\'s SLR colour (it used the chart\'s second colour)', async () => {
    const svg = await getSchedules(['ft', 'slr']);
    const report = scheduleColours(['ft', 'lrw', 'slr', 'clr']);
    expect(strokes(svg)).toEqual(new Set([report[0], report[2]]));
  });
});
