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

export interface NnCase {
  readonly name: string;
  readonly backend: Backend;
  /** One unit of work (what a row of the table times). */
  readonly run: () => void;
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
      name: 'actor forward+backward, batch 64', backend,
      run: () => { a.forward(BATCH, ax); seedGrad(a, BATCH); a.backward(BATCH, true); },
    },
    {
      name: 'critic forward+backward, batch 64', backend,
      run: () => { c.forward(BATCH, cs, ca); seedGrad(c, BATCH); c.backward(BATCH, true); },
    },
    {
      name: 'critic forward + ∂Q/∂a only (params=false), batch 64', backend,
      run: () => { c.forward(BATCH, cs, ca); seedGrad(c, BATCH); c.backward(BATCH, false); },
    },
    {
      name: 'actor forward, batch 1 (per-step act)', backend,
      run: () => { a.forward(1, ax); },
    },
  ];
}
