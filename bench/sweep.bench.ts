/**
 * Sweeps (issue 15): the aggregate environment steps/s of `runSweep` with W
 * worker threads (W = the machine's cores) against one `train` run (the same
 * trial code, in this process), measured in one run. Keras preset on
 * Pendulum-v1, evaluation only at the end, a checkpoint every 1 000 steps.
 * Target: ≥ 0.9·W×. `SWEEP_BENCH_STEPS` sets each trial's length (default 3 000).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSpec, trials } from '../src/cli/sweep-spec.js';
import { runSweep } from '../src/cli/sweep.js';
import { runTrial } from '../src/cli/trial.js';
import { section, table } from './harness.js';

const STEPS = Number(process.env.SWEEP_BENCH_STEPS ?? 3000);

export default async function (): Promise<string> {
  const W = availableParallelism();
  const raw = { preset: 'keras', steps: STEPS, evalEvery: 0, evalEpisodes: 1, saveEvery: 1000, seeds: 2 * W };
  const tmp = mkdtempSync(join(tmpdir(), 'ddpg-wasm-sweep-bench-'));
  try {
    const spec = parseSpec(raw);
    const t0 = performance.now();
    await runTrial(spec, trials(spec)[0]!, join(tmp, 'single'));
    const single = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    const result = await runSweep(raw, { workers: W, out: join(tmp, 'sweep') });
    const wall = (performance.now() - t1) / 1000;
    const n = result.trials.length;
    const trialWall = readFileSync(join(tmp, 'sweep', 'sweep.jsonl'), 'utf8').split('\n').filter((l) => l !== '')
      .reduce((s, l) => s + (JSON.parse(l) as { wallSeconds: number }).wallSeconds, 0);
    const sps1 = STEPS / single, spsW = (n * STEPS) / wall;
    // The pool's own cost: wall time beyond the trials' own (spawn, messages, results), per worker.
    const overhead = wall - trialWall / W;
    return section(`Sweep: ${n} trials on ${W} workers vs one train run (${STEPS} steps each, keras preset)`,
      table(['run', 'wall (s)', 'env steps/s', 'speed-up'], [
        ['one train run (this process)', single.toFixed(2), sps1.toFixed(0), '1.00×'],
        [`sweep, ${W} workers, ${n} trials`, wall.toFixed(2), spsW.toFixed(0), `${(spsW / sps1).toFixed(2)}× (target ≥ ${(0.9 * W).toFixed(1)}×)`],
      ]),
      `Pool overhead (sweep wall − Σ trial wall / W: spawn, messaging, results): ${overhead.toFixed(2)} s ` +
      `(${((100 * overhead) / wall).toFixed(1)} % of the sweep); trial wall times include their checkpoint writes and final evaluation.`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
