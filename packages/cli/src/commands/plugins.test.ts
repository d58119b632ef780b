import { main } from '../main';
import { collectingIo } from '../test-io';

describe('prunebench plugins', () => {
  it('heads each kind in plain English: "criteria (N)", never "criterions"', async () => {
    const io = collectingIo({ columns: 200 });
    expect(await main(['plugins'], io)).toBe(0);
    expect(io.stdout()).not.toMatch(/criterions/);
    expect(io.stdout()).toMatch(/^criteria \(\d+\)$/m);
    expect(io.stdout()).toMatch(/^weight-scores \(\d+\)$/m);
  });
});
