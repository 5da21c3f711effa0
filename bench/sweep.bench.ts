/**
 * Sweeps (issue 15): the aggregate environment steps/s of `runSweep` with W
 * worker threads (W = the machine's cores) against one `train` run (the same
 * trial code, in this process), measured in one run. Keras preset on
 * Pendulum-v1, evaluation only at the end, a checkpoint every 1 000 steps.
 * Target: ≥ 0.9·W×. `SWEEP_BENCH_STEPS` sets each trial's length (default 3 000).
 *
 * The same run also measures the machine's ceiling for W runs at once with no
 * pool at all: W processes (this file run as a script), each training one
 * trial, started together. On a VM whose cores slow each other down (shared
 * caches, memory bandwidth, the hypervisor) that ceiling is below W×, and the
 * pool's efficiency is its speed-up over the ceiling's.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { initSync } from '../src/index.js';
import { parseSpec, trials } from '../src/cli/sweep-spec.js';
import { runSweep } from '../src/cli/sweep.js';
import { runTrial } from '../src/cli/trial.js';
import { section, table } from './harness.js';

const STEPS = Number(process.env.SWEEP_BENCH_STEPS ?? 3000);
const specOf = (W: number) => ({ preset: 'keras', steps: STEPS, evalEvery: 0, evalEpisodes: 1, saveEvery: 1000, seeds: 2 * W });

/** Trains trial `index` of the spec in `dir` and prints its own seconds (the script side of the ceiling). */
async function trialProcess(W: number, index: number, dir: string): Promise<void> {
  initSync();
  const spec = parseSpec(specOf(W));
  const t0 = performance.now();
  await runTrial(spec, trials(spec)[index]!, dir);
  process.stdout.write(`${(performance.now() - t0) / 1000}\n`);
}

/** W trial processes at once: the wall time from their start to the last exit, and each trial's own time. */
async function ceiling(W: number, tmp: string): Promise<{ wall: number; trials: number[] }> {
  const script = fileURLToPath(import.meta.url);
  const t0 = performance.now();
  const times = await Promise.all(Array.from({ length: W }, (_, i) => new Promise<number>((resolve, reject) => {
    execFile(process.execPath, [script, String(W), String(i), join(tmp, `process-${i}`)], (e, stdout) => (e ? reject(e) : resolve(Number(stdout))));
  })));
  return { wall: (performance.now() - t0) / 1000, trials: times };
}

export default async function (): Promise<string> {
  const W = availableParallelism();
  const raw = specOf(W);
  const tmp = mkdtempSync(join(tmpdir(), 'ddpg-wasm-sweep-bench-'));
  try {
    const spec = parseSpec(raw);
    // One train run before and one after the rest: on a shared machine a neighbour only slows a run, so the faster is the baseline.
    const alone = async (dir: string): Promise<number> => {
      const t0 = performance.now();
      await runTrial(spec, trials(spec)[0]!, join(tmp, dir));
      return (performance.now() - t0) / 1000;
    };
    const before = await alone('single');
    const ceil = await ceiling(W, tmp);
    const t1 = performance.now();
    const result = await runSweep(raw, { workers: W, out: join(tmp, 'sweep') });
    const wall = (performance.now() - t1) / 1000;
    const after = await alone('single-after'), single = Math.min(before, after);
    const n = result.trials.length;
    const trialWall = readFileSync(join(tmp, 'sweep', 'sweep.jsonl'), 'utf8').split('\n').filter((l) => l !== '')
      .reduce((s, l) => s + (JSON.parse(l) as { wallSeconds: number }).wallSeconds, 0);
    const sps1 = STEPS / single, spsW = (n * STEPS) / wall, spsC = (W * STEPS) / ceil.wall;
    const slowest = Math.max(...ceil.trials), spsT = (W * STEPS) / slowest;
    // The pool's own cost: wall time beyond the trials' own (spawn, messages, results), per worker.
    const overhead = wall - trialWall / W;
    return section(`Sweep: ${n} trials on ${W} workers vs one train run (${STEPS} steps each, keras preset)`,
      table(['run', 'wall (s)', 'env steps/s', 'speed-up'], [
        [`one train run (this process; the faster of ${before.toFixed(2)} s before and ${after.toFixed(2)} s after the others)`, single.toFixed(2), sps1.toFixed(0), '1.00×'],
        [`ceiling: ${W} train processes at once, no pool (process start to exit)`, ceil.wall.toFixed(2), spsC.toFixed(0), `${(spsC / sps1).toFixed(2)}×`],
        [`ceiling: the same, trials alone (slowest: ${ceil.trials.map((t) => t.toFixed(2)).join(', ')} s)`, slowest.toFixed(2), spsT.toFixed(0), `${(spsT / sps1).toFixed(2)}×`],
        [`sweep, ${W} workers, ${n} trials`, wall.toFixed(2), spsW.toFixed(0), `${(spsW / sps1).toFixed(2)}× (target ≥ ${(0.9 * W).toFixed(1)}×)`],
      ]),
      `The sweep reaches ${((100 * spsW) / spsT).toFixed(1)} % of the ceiling (trials alone). ` +
      `Pool overhead (sweep wall − Σ trial wall / W: spawn, messaging, results, the last trials' uneven ends): ${overhead.toFixed(2)} s ` +
      `(${((100 * overhead) / wall).toFixed(1)} % of the sweep); trial wall times include their checkpoint writes and final evaluation.`,
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// Run as a script (the ceiling's processes): node sweep.bench.js W INDEX DIR.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [W, index, dir] = process.argv.slice(2);
  await trialProcess(Number(W), Number(index), dir!);
}
