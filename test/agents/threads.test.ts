// Issue 17's determinism promise: training with T threads gives the bits of one
// thread. The cross-runtime check's workload (scripts/cross/check.mjs: DDPG keras
// seed 7, its evaluation actions and full checkpoint, then TD3 and SAC), shortened,
// runs with 1, 2, 3 and 4 threads and must equal a run without initThreads in every
// number it reports. (The full 2 000-step workload with 2 threads gives the
// documented hashes ca51f8ff / bc61a0a2 / 8b9da479 / 725ebbb6: a minute and more on a
// busy 2-core machine, so it is `npm run crosscheck`'s node-threads runtime.)
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import * as lib from '../../src/index.js';
import { crosscheck, type CrosscheckResult } from '../../scripts/cross/check.mjs';
import { thresholds } from '../../src/kernels/threads.js';

const BYTES = readFileSync(new URL('../../build/kernels-threads.wasm', import.meta.url));
/** Steps of each algorithm: DDPG updates from its first step, TD3 and SAC after 100 random ones. */
const SHORT = 160;

/** The crosscheck workload with `threads` threads (0: without initThreads); timings dropped. */
async function run(threads: number, steps?: number): Promise<Omit<CrosscheckResult, 'trainMs'>> {
  const init = async (): Promise<void> => {
    await lib.init();
    if (threads > 0) expect(await lib.initThreads(threads, BYTES)).toEqual({ threads, reason: null });
  };
  try {
    const { trainMs: _, ...r } = await crosscheck({ ...lib, init }, steps === undefined ? {} : { steps });
    return r;
  } finally {
    lib.disposeThreads();
  }
}

// Split every large call, even where back-off would run it on the caller (T > cores on a busy machine).
thresholds.backoff = false;
afterAll(() => { lib.disposeThreads(); thresholds.backoff = true; });

describe('threads: the same bits as one thread', () => {
  it(`1, 2, 3 and 4 threads: short runs equal a run without initThreads (hashes, checkpoint, returns, action bits)`, async () => {
    const plain = await run(0, SHORT);
    for (const t of [2, 1, 3, 4]) expect(await run(t, SHORT), `${t} threads`).toEqual(plain);
  }, 300_000);
});
