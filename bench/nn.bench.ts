/**
 * Network costs on the notebook's shapes, wasm vs reference:
 *  - actor forward+backward at batch 64 (the DDPG actor update minus the critic),
 *  - critic forward+backward at batch 64 (params, as in the critic update),
 *  - critic backward for ∂Q/∂a only (params=false, the actor step's critic pass),
 *  - actor forward at batch 1 (the per-step `act` cost; issue 3 target < 10 µs).
 */
import { Arena, createKernels, type Backend } from '../src/kernels/index.js';
import { Network, type NetworkSpec } from '../src/nn/index.js';
import { Rng } from '../src/rng.js';
import { measure, section, sig, table } from './harness.js';

/** The notebook's actor: 3 → 256 relu → 256 relu → 1 tanh × 2 (Pendulum-v1's bound). */
const ACTOR: NetworkSpec = {
  inputs: [3],
  layers: [{ units: 256, activation: 'relu' }, { units: 256, activation: 'relu' }, { units: 1, activation: 'tanh', scale: 2 }],
};
/** The notebook's critic: state → 16 → 32, action → 32, concat(64) → 256 → 256 → 1. */
const CRITIC: NetworkSpec = {
  inputs: [3, 1],
  branches: [[{ units: 16, activation: 'relu' }, { units: 32, activation: 'relu' }], [{ units: 32, activation: 'relu' }]],
  layers: [{ units: 256, activation: 'relu' }, { units: 256, activation: 'relu' }, { units: 1 }],
};
/** The notebook's batch_size. */
const BATCH = 64;
/** Issue 3: actor forward at batch 1 (one `act`) under 10 µs. */
const ACT_TARGET_US = 10;

/*
 * Multiply-adds per batch row (GEMMs only; bias, activation and colSum are O(units)):
 *   actor forward   3·256 + 256·256 + 256·1                     = 66 816
 *   actor backward  dW: 66 816; dX for layers 2 and 3 only (the
 *                   state needs no gradient): 256·256 + 256·1   = 65 792
 *   critic forward  3·16 + 16·32 + 1·32 + 64·256 + 256·256 + 256 = 82 768
 *   critic backward dW: 82 768; dX: all but the state's first
 *                   layer (82 768 − 48)                         = 82 720
 *   ∂Q/∂a only      dX on the action's path: 256 + 256·256
 *                   + 32·256 (action rows of the concat W) + 32 = 74 016
 * FLOPs = 2 · rows · multiply-adds.
 */
const MACS = {
  actorFwdBwd: 66816 * 2 + 65792,
  criticFwdBwd: 82768 * 2 + 82720,
  criticDqda: 82768 + 74016,
  actorFwd: 66816,
} as const;

export interface NnCase {
  readonly name: string;
  readonly backend: Backend;
  /** One unit of work (what a row of the table times). */
  readonly run: () => void;
  readonly flops: number;
}

/** A network with inputs and ∂L/∂Y filled with fixed random values. */
function setup(backend: Backend, spec: NetworkSpec, inputGrads: boolean[]): { net: Network; x: number[] } {
  const arena = new Arena(createKernels(backend));
  const net = new Network(arena, spec, { maxBatch: BATCH, inputGrads });
  const xs = spec.inputs.map((w, i) => arena.alloc(`x${i}`, BATCH * w));
  arena.commit();
  const rng = new Rng(1);
  net.init(rng);
  const h = net.heap();
  for (const b of xs) for (let i = 0; i < b.length; i++) h[(b.ptr >> 2) + i] = rng.uniform(-1, 1);
  return { net, x: xs.map((b) => b.ptr) };
}

function seedGrad(net: Network, batch: number): void {
  net.heap().fill(-1 / batch, net.outputGradPtr >> 2, (net.outputGradPtr >> 2) + batch * net.outputWidth);
}

/** The benchmark cases for one backend (built once; `run` allocates nothing). */
export function nnCases(backend: Backend): NnCase[] {
  const actor = setup(backend, ACTOR, [false]);
  const critic = setup(backend, CRITIC, [false, true]);
  const a = actor.net, c = critic.net;
  const ax = actor.x[0]!, cs = critic.x[0]!, ca = critic.x[1]!;
  return [
    {
      name: 'actor forward+backward, batch 64', backend, flops: 2 * BATCH * MACS.actorFwdBwd,
      run: () => { a.forward(BATCH, ax); seedGrad(a, BATCH); a.backward(BATCH, true); },
    },
    {
      name: 'critic forward+backward, batch 64', backend, flops: 2 * BATCH * MACS.criticFwdBwd,
      run: () => { c.forward(BATCH, cs, ca); seedGrad(c, BATCH); c.backward(BATCH, true); },
    },
    {
      name: 'critic forward + ∂Q/∂a only (params=false), batch 64', backend, flops: 2 * BATCH * MACS.criticDqda,
      run: () => { c.forward(BATCH, cs, ca); seedGrad(c, BATCH); c.backward(BATCH, false); },
    },
    {
      name: 'actor forward, batch 1 (per-step act)', backend, flops: 2 * MACS.actorFwd,
      run: () => { a.forward(1, ax); },
    },
  ];
}

export default async function nnBench(): Promise<string> {
  const wasm = nnCases('wasm');
  const ref = nnCases('reference');
  const w = await measure(wasm.map((c) => ({ name: c.name, fn: c.run, flops: c.flops })), { timeMs: 500 });
  // The reference is ~50× slower; shorter runs keep the suite under a minute.
  const r = await measure(ref.map((c) => ({ name: c.name, fn: c.run, flops: c.flops })), { timeMs: 250, batchMs: 2 });
  const rows = wasm.map((c, i) => {
    const wr = w[i]!, rr = r[i]!;
    return [c.name, sig(c.flops / 1e6), sig(wr.medianUs), sig(wr.gflops ?? 0), `±${sig(wr.rme, 2)}%`,
      sig(rr.medianUs), sig(rr.gflops ?? 0), `${sig(rr.medianUs / wr.medianUs)}×`];
  });
  const act = w[w.length - 1]!.medianUs;
  return section('Networks (issue 3)',
    table(['work (notebook networks)', 'MFLOP', 'wasm µs', 'wasm GFLOP/s', 'wasm rme', 'reference µs',
      'reference GFLOP/s', 'speed-up'], rows),
    `Target: actor forward at batch 1 < ${ACT_TARGET_US} µs: ${sig(act)} µs → ${act < ACT_TARGET_US ? 'met' : 'NOT met'}.`,
    'Median time per call. backward includes writing ∂L/∂Y (the −1/N seed) first; the critic has ' +
    'inputGrads [false, true] as in the DDPG agent. MFLOP counts the GEMMs only (derivation in bench/nn.bench.ts).');
}
