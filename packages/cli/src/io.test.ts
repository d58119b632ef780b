import { formatTable, outputColumns, wrapCell } from './io';

describe('formatTable', () => {
  it('keeps columns aligned and, given a width, wraps the widest cells to fit it', () => {
    const rows = [
      ['g1', '16', 'conv1, conv3, conv5, conv7, conv9, conv11, conv13', 'tied to zero-padded channels; merged by "add_1"'],
      ['g2', '32', 'conv2', ''],
    ];
    const header = ['group', 'channels', 'producers', 'why not'];
    expect(formatTable(header, rows).split('\n')[2].length).toBeGreaterThan(60);
    const narrow = formatTable(header, rows, 60);
    const lines = narrow.trimEnd().split('\n');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(60);
    expect(lines[0]).toMatch(/^group\s+channels\s+producers\s+why not$/);
    // Read a wrapped cell back: its column's slice of each line of the row, joined.
    const column = (name: string) => {
      const start = lines[0].indexOf(name);
      const width = lines[1].slice(start).split(' ')[0].length;
      const rowLines = lines.slice(2, lines.findIndex((l, i) => i > 2 && /^\S/.test(l)));
      return rowLines.map((l) => l.slice(start, start + width).trim()).filter(Boolean).join(' ');
    };
    expect(column('producers')).toBe('conv1, conv3, conv5, conv7, conv9, conv11, conv13');
    expect(column('why not')).toBe('tied to zero-padded channels; merged by "add_1"');
    // The second row still starts its own line, in the first column.
    expect(lines.some((l) => /^g2\s+32\s+conv2$/.test(l))).toBe(true);
  });

  it('wraps after spaces, and hard-breaks a word longer than the column', () => {
    expect(wrapCell('conv1, conv2, conv3', 8)).toEqual(['conv1,', 'conv2,', 'conv3']);
    expect(wrapCell('stage1_block1_conv1', 8)).toEqual(['stage1_b', 'lock1_co', 'nv1']);
  });

  it('takes the terminal width, else $COLUMNS, else 100', () => {
    expect(outputColumns({ columns: 132 }, {})).toBe(132);
    expect(outputColumns({}, { COLUMNS: '90' })).toBe(90);
    expect(outputColumns({}, {})).toBe(100);
  });
});
