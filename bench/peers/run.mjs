/**
 * `npm run bench:peers [-- options]` (repo root): builds the package, installs
 * this folder's own dependencies (TF.js; never part of the root install) and
 * runs the peer comparison, printing markdown for bench/RESULTS.md.
 *
 * Options:
 *   --only update|e2e     run one part (default: both)
 *   --rounds N            alternating rounds of the update comparison (default 10)
 *   --round-ms MS         time per contender per round (default 300)
 *   --steps N             ddpg-wasm end-to-end steps (default 20000)
 *   --tfjs-steps N        TF.js end-to-end steps, extrapolated to --steps (default 2000)
 *   --threads N           also time ours with initThreads(N) in the update comparison (default 2; 1: not)
 *   --quick               a smoke run: 2 rounds, 1000 / 200 steps
 *   --json FILE           also write the raw numbers as JSON
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadOurs, loadTfjs, machine } from './common.mjs';
import { runUpdate } from './update.mjs';
import { runE2E } from './e2e.mjs';
import { startTorch } from './torch.mjs';

const { values: v } = parseArgs({
  options: {
    only: { type: 'string' }, rounds: { type: 'string' }, 'round-ms': { type: 'string' },
    steps: { type: 'string' }, 'tfjs-steps': { type: 'string' }, threads: { type: 'string' }, quick: { type: 'boolean' }, json: { type: 'string' },
  },
});
const int = (s, d) => {
  if (s === undefined) return d;
  const n = Number(s);
  if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`expected a positive integer, got ${s}`);
  return n;
};
if (v.only !== undefined && v.only !== 'update' && v.only !== 'e2e') throw new RangeError(`--only must be update or e2e, got ${v.only}`);
const quick = v.quick === true;
const rounds = int(v.rounds, quick ? 2 : 10);
const roundMs = int(v['round-ms'], 300);
const steps = int(v.steps, quick ? 1000 : 20_000);
const tfjsSteps = int(v['tfjs-steps'], quick ? 200 : 2000);
const threads = int(v.threads, 2);

const ours = await loadOurs();
const { tf, wasmInfo, version } = await loadTfjs();
console.log(`# ddpg-wasm vs TF.js ${version}\n\n${machine()}\n- TF.js wasm backend: SIMD ${wasmInfo.simd ? 'on' : 'off'}, ${wasmInfo.threads} thread(s); prod mode\n`);
const raw = { tfjs: version, wasmInfo };
if (v.only !== 'e2e') {
  // PyTorch (one thread) beside us when a python3 can import torch; a clear line when not.
  const torch = await startTorch();
  if (torch.skipped) console.log(`- PyTorch: skipped: ${torch.skipped}\n`);
  else {
    const i = torch.info;
    console.log(`- PyTorch ${i.torch} (Python ${i.python}, ${i.pythonPath}), ${i.threads} thread, BLAS_INFO ${i.blas} (libblas.so.3 as installed), OPENBLAS_CORETYPE ${i.openblasCore}\n`);
  }
  const threadsWasm = threads > 1 ? readFileSync(new URL('../../dist/kernels-threads.wasm', import.meta.url)) : undefined;
  try {
    const r = await runUpdate({ ours, tf, rounds, roundMs, threads, threadsWasm, torch: torch.skipped ? undefined : torch });
    console.log(`## One DDPG update (batch 64), ${rounds} alternating rounds of ${roundMs} ms each\n\n${r.markdown}\n`);
    raw.update = { ...r.data, torch: torch.info ?? torch.skipped };
  } finally {
    await torch.close?.();
  }
}
if (v.only !== 'update') {
  const r = await runE2E({ ours, tf, oursSteps: steps, tfjsSteps, target: steps });
  console.log(`## End to end: ${steps} Pendulum-v1 steps, one update per step\n\n${r.markdown}\n`);
  raw.e2e = r.data;
}
if (v.json) writeFileSync(v.json, JSON.stringify(raw, null, 2));
