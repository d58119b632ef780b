import { measureCpu, threadCpuTime } from './thread-cpu';

describe('thread CPU time (a cost the engine meter cannot see)', () => {
  it('counts work done in JavaScript, not time spent waiting', async () => {
    expect(threadCpuTime().scope).toBe(process.platform === 'linux' ? 'thread' : 'process');
    const busy = await measureCpu(async () => {
      let x = 0;
      for (let i = 0; i < 3e8; i++) x += i % 7;
      return x;
    });
    const idle = await measureCpu(() => new Promise((resolve) => setTimeout(resolve, 300)));
    expect(busy.result).toBeGreaterThan(0);
    expect(busy.cpu.seconds).toBeGreaterThan(0.05);
    // 300 ms asleep costs (next to) no CPU: a thread clock, not a wall clock.
    expect(idle.cpu.seconds).toBeLessThan(busy.cpu.seconds / 2);
  });
});
