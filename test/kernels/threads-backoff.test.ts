// The back-off rule of the threaded kernels (src/kernels/threads.ts, class Backoff):
// when, over a window of BACKOFF_WINDOW split calls, the helpers ran fewer than
// half their share of the blocks, or the caller waited for them longer than it
// computed, the next BACKOFF_CALLS large calls run on the caller alone; then
// splitting resumes and a new window starts. First the rule on made-up timings
// and block counts, then the rule acting in a real pool (fed block counts of a
// busy machine, where the caller ran every block), where it must leave every bit
// as one thread gives.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { DDPG, disposeThreads, fnv1a32, initThreads, makeEnv } from '../../src/index.js';
import { Backoff, BACKOFF_CALLS, BACKOFF_WINDOW, stats, thresholds } from '../../src/kernels/threads.js';

/** Steps of the pool runs below (DDPG updates from the first step). */
const STEPS = 300;
const BYTES = readFileSync(new URL('../../build/kernels-threads.wasm', import.meta.url));
const saved = { ...thresholds };
afterAll(() => {
  disposeThreads();
  Object.assign(thresholds, saved);
});

/** Records `n` split calls of `own` and `wait` ms each, of 8 blocks of which the caller ran `mine` (half by default). */
function feed(b: Backoff, n: number, own: number, wait: number, mine = 4): void {
  for (let i = 0; i < n; i++) b.record(own, wait, mine, 8);
}
/** How many of the next `probe` large calls run unsplit. */
function unsplit(b: Backoff, probe: number): number {
  let k = 0;
  for (let i = 0; i < probe; i++) if (b.take()) k++;
  return k;
}

describe('Backoff, the rule', () => {
  it(`decides after ${BACKOFF_WINDOW} split calls: waiting longer than computing sends the next ${BACKOFF_CALLS} calls to the caller alone, then splitting resumes`, () => {
    const b = new Backoff(2);
    feed(b, BACKOFF_WINDOW - 1, 1, 2);
    expect(unsplit(b, 10)).toBe(0); // no decision before the window is full
    feed(b, 1, 1, 2);
    // BACKOFF_CALLS unsplit, then the rest split again (take() false).
    expect(unsplit(b, BACKOFF_CALLS + 1000)).toBe(BACKOFF_CALLS);
    expect(b.skip).toBe(0);
  });

  it('with T threads, backs off when the helpers ran fewer than half their share, (T − 1)/(2T), of the blocks over the window', () => {
    // T = 2: helpers' share 1/2 of the blocks, half of it 1/4: 2 of 8 is enough, 1 of 8 is not.
    const b = new Backoff(2);
    feed(b, BACKOFF_WINDOW, 1, 0, 6);
    expect(unsplit(b, 100)).toBe(0);
    feed(b, BACKOFF_WINDOW, 1, 0, 7);
    expect(unsplit(b, BACKOFF_CALLS + 10)).toBe(BACKOFF_CALLS);
    // T = 4: helpers' share 3/4, half of it 3/8: 3 of 8 is enough, 2 of 8 is not; the window's sum counts, not single calls.
    const c = new Backoff(4);
    feed(c, BACKOFF_WINDOW / 2, 1, 0, 4);
    feed(c, BACKOFF_WINDOW / 2, 1, 0, 6);
    expect(unsplit(c, 100)).toBe(0);
    feed(c, BACKOFF_WINDOW, 1, 0, 6);
    expect(unsplit(c, BACKOFF_CALLS + 10)).toBe(BACKOFF_CALLS);
  });

  it('does nothing when waiting does not exceed computing over the window (a tie included), whatever single calls did', () => {
    const b = new Backoff(2);
    feed(b, BACKOFF_WINDOW, 1, 1);
    expect(unsplit(b, 100)).toBe(0);
    // Half the calls waited 3× their own time, half computed long: 128·(1 + 3) = 512 ms own ≥ 128·(3 + 0.9) = 499.2 ms wait.
    feed(b, BACKOFF_WINDOW / 2, 1, 3);
    feed(b, BACKOFF_WINDOW / 2, 3, 0.9);
    expect(unsplit(b, 100)).toBe(0);
  });

  it('judges each window alone: a long-computing window does not offset the next one', () => {
    const b = new Backoff(2);
    feed(b, BACKOFF_WINDOW, 10, 0); // 2 560 ms own, 0 wait
    feed(b, BACKOFF_WINDOW, 1, 1.5); // this window alone waited longer
    expect(unsplit(b, BACKOFF_CALLS)).toBe(BACKOFF_CALLS);
  });

  it('thresholds.backoff = false keeps every call split (the bench and the determinism tests); back on, the pending skip applies', () => {
    const b = new Backoff(2);
    feed(b, BACKOFF_WINDOW, 1, 2);
    thresholds.backoff = false;
    expect(unsplit(b, 100)).toBe(0);
    thresholds.backoff = true;
    expect(unsplit(b, BACKOFF_CALLS + 10)).toBe(BACKOFF_CALLS);
  });
});

/** DDPG (keras preset, seed 7) trained `steps` steps on Pendulum: its weights and checkpoint hashes. */
async function train(steps: number): Promise<{ weights: string; checkpoint: number }> {
  const agent = new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: 7 });
  await agent.learn(steps);
  return { weights: agent.weightsHash(), checkpoint: fnv1a32(agent.save()) };
}

describe('Backoff in a pool of 2 threads', () => {
  it('acts on what the pool measures: with helpers that take no block, large calls run unsplit, splitting resumes after each skip, and no bit changes', async () => {
    const plain = await train(STEPS);
    expect(await initThreads(2, BYTES)).toEqual({ threads: 2, reason: null });
    // Every call counts as large (≈ 70 per step instead of ≈ 30), so a short run spans several windows.
    thresholds.gemm = thresholds.element = 1;
    // A busy machine, made certain: the rule hears that the caller ran every block
    // of every split call (what it sees when the helpers get no core). Everything
    // else is the real pool: the split calls, their times, the rule and the skipped calls.
    const record = Backoff.prototype.record, take = Backoff.prototype.take;
    let split = 0, waitMs = 0, mine = 0, blocks = 0, large = 0, unsplit = 0;
    const recordSpy = vi.spyOn(Backoff.prototype, 'record').mockImplementation(function (this: Backoff, own, wait, m, b) {
      split++;
      waitMs += wait;
      mine += m;
      blocks += b;
      record.call(this, own, wait, b, b);
    });
    const takeSpy = vi.spyOn(Backoff.prototype, 'take').mockImplementation(function (this: Backoff) {
      large++;
      const r = take.call(this);
      if (r) unsplit++;
      return r;
    });
    const before = { ...stats };
    let threaded;
    try {
      threaded = await train(STEPS);
    } finally {
      recordSpy.mockRestore();
      takeSpy.mockRestore();
    }
    // The pool hands the rule every split call's times and blocks: those stats counts.
    expect(split).toBe(stats.calls - before.calls);
    expect(waitMs).toBeCloseTo(stats.joinMs - before.joinMs, 6);
    expect(mine).toBe(stats.ownBlocks - before.ownBlocks);
    expect(blocks).toBe(stats.blocks - before.blocks);
    expect(blocks).toBeGreaterThan(split); // several blocks per split call
    // Room for two skips and what follows them.
    expect(large).toBeGreaterThan(2 * (BACKOFF_WINDOW + BACKOFF_CALLS));
    // It acted: every window ends in a skip of BACKOFF_CALLS large calls (the last one cut short by the run's end) …
    const windows = Math.ceil(split / BACKOFF_WINDOW);
    expect(unsplit).toBeGreaterThan((windows - 1) * BACKOFF_CALLS);
    expect(unsplit).toBeLessThanOrEqual(windows * BACKOFF_CALLS);
    // … and let go after each: split calls after the first skip.
    expect(windows).toBeGreaterThanOrEqual(2);
    expect(threaded).toEqual(plain);
  }, 120_000);
});
