// The forward-only kernel module of ddpg-wasm/policy (assembly/policy.ts) against
// the full one: the same forward bits on random networks and shapes (branches and
// batches beyond what a Policy uses included, so every GEMM tile is reached), the
// same actions from saved DDPG, TD3 and SAC agents, and the loader rule of
// src/kernels/inference.ts (the full module serves once it is initialised).
import { describe, expect, it, vi } from 'vitest';
import { DDPG } from '../../src/agents/ddpg.js';
import { SAC } from '../../src/agents/sac.js';
import { TD3 } from '../../src/agents/td3.js';
import { makeEnv } from '../../src/envs/make.js';
import { Arena } from '../../src/kernels/arena.js';
import { forwardKernels } from '../../src/kernels/inference.js';
import { decodeInlined } from '../../src/kernels/loader.js';
import { POLICY_WASM_LENGTH, POLICY_WASM_TEXT } from '../../src/kernels/policy-bytes.js';
import type { Kernels } from '../../src/kernels/types.js';
import { createWasmKernels } from '../../src/kernels/wasm.js';
import { Network } from '../../src/nn/network.js';
import type { DenseSpec, NetworkSpec } from '../../src/nn/spec.js';
import { Policy } from '../../src/policy/policy.js';
import { Rng } from '../../src/rng.js';

const forwardOnly = new WebAssembly.Module(decodeInlined(POLICY_WASM_TEXT, POLICY_WASM_LENGTH));
const ACTS = ['identity', 'relu', 'tanh'] as const;
const bits = (x: Float32Array): number[] => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

/** A random dense stack: widths 1..70 (every tile and tail of the GEMM), any activation, sometimes a scale. */
function randomLayers(rng: Rng, n: number): DenseSpec[] {
  return Array.from({ length: n }, () => ({
    units: 1 + rng.int(70),
    activation: ACTS[rng.int(3)]!,
    ...(rng.int(3) === 0 ? { scale: rng.uniform(0.5, 3) } : {}),
    biasInit: { uniform: 0.5 },
  }));
}

/** The forward output bits of `spec` with seeded params and inputs on kernels `k`. */
function forwardBits(k: Kernels, spec: NetworkSpec, batch: number, seed: number): number[] {
  const arena = new Arena(k);
  const net = new Network(arena, spec, { maxBatch: batch, trainable: false });
  const inputs = spec.inputs.map((w, i) => arena.alloc(`x${i}`, batch * w));
  arena.commit();
  const rng = new Rng(seed, 'inference-test');
  net.init(rng);
  for (const x of inputs) for (let i = 0; i < x.length; i++) x.f32[i] = rng.uniform(-4, 4);
  const y = net.forward(batch, inputs[0]!.ptr, inputs[1]?.ptr, inputs[2]?.ptr);
  return bits(y.f32.subarray(0, batch * net.outputWidth));
}

describe('the forward-only module (ddpg-wasm/policy) computes the full module\'s bits', () => {
  it('on 60 random networks, batch 1 to 9, with and without branches', () => {
    const rng = new Rng(13, 'shapes');
    for (let t = 0; t < 60; t++) {
      const inputs = Array.from({ length: 1 + rng.int(t % 3 === 0 ? 3 : 1) }, () => 1 + rng.int(40));
      const spec: NetworkSpec = {
        inputs,
        branches: inputs.map(() => randomLayers(rng, rng.int(2))),
        layers: randomLayers(rng, 1 + rng.int(3)),
      };
      const batch = t < 30 ? 1 : 1 + rng.int(9);
      const full = forwardBits(createWasmKernels(), spec, batch, t);
      expect(full.length).toBe(batch * spec.layers[spec.layers.length - 1]!.units);
      expect(forwardBits(forwardKernels(forwardOnly), spec, batch, t), `${JSON.stringify(spec)} batch ${batch}`).toEqual(full);
    }
  });

  it('has only the forward GEMM: a training kernel or a transposed product is refused, not computed', () => {
    const k = forwardKernels(forwardOnly);
    expect(() => k.adam(0, 0, 0, 0, 0, 0.9, 0.999, 1e-3, 1e-8, 0)).toThrow(/forward-only kernel module/);
    expect(() => k.gemmEx(0, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 1)).toThrow(WebAssembly.RuntimeError);
  });
});

describe('saved agents act the same through ddpg-wasm/policy\'s own module', () => {
  const env = makeEnv('Pendulum-v1');
  const small = { actorLayers: [33, 7], criticLayers: [16], batchSize: 8, bufferSize: 200, learningStarts: 16 };
  const agents = {
    DDPG: () => new DDPG(env, { ...small, seed: 5 }),
    TD3: () => new TD3(env, { ...small, seed: 5 }),
    SAC: () => new SAC(env, { ...small, seed: 5 }),
  };
  const rng = new Rng(2, 'obs');
  const OBS = Array.from({ length: 25 }, () => Float32Array.from({ length: 3 }, () => rng.uniform(-8, 8)));

  it.each(Object.keys(agents))('%s: policy and full files, 25 observations, bit for bit', async (name) => {
    const agent = agents[name as keyof typeof agents]();
    await agent.learn(80);
    const files = [agent.save({ kind: 'policy' }), agent.save()];
    // A fresh module graph: nothing initialised, so ddpg-wasm/policy's initSync() compiles the forward-only module.
    vi.resetModules();
    const entry = await import('../../src/policy.js');
    const loader = await import('../../src/kernels/loader.js');
    entry.initSync();
    expect(loader.isInitialized()).toBe(false);
    for (const file of files) {
      const small = entry.Policy.load(file), full = Policy.load(file);
      for (const obs of OBS) expect(bits(small.act(obs)), `${name} ${String(obs)}`).toEqual(bits(full.act(obs)));
    }
  });
});

describe('the loader rule: a Policy uses the full module once it is initialised', () => {
  it('ddpg-wasm/policy\'s init() after ddpg-wasm\'s compiles nothing, and Policy runs on the full module', async () => {
    vi.resetModules();
    const lib = await import('../../src/index.js');
    const entry = await import('../../src/policy.js');
    const inference = await import('../../src/kernels/inference.js');
    expect(() => inference.policyKernels()).toThrow(/not initialized: call `await init\(\)`/);
    lib.initSync();
    await entry.init();
    expect(inference.policyKernels().adam).toBeTypeOf('function');
    expect(() => inference.policyKernels().adam(0, 0, 0, 0, 0, 0.9, 0.999, 1e-3, 1e-8, 0)).not.toThrow();
  });

  it('ddpg-wasm\'s init() after ddpg-wasm/policy\'s: Policy switches to the full module', async () => {
    vi.resetModules();
    const lib = await import('../../src/index.js');
    const entry = await import('../../src/policy.js');
    const inference = await import('../../src/kernels/inference.js');
    await entry.init();
    expect(() => inference.policyKernels().adam(0, 0, 0, 0, 0, 0.9, 0.999, 1e-3, 1e-8, 0)).toThrow(/forward-only/);
    expect(lib.isInitialized()).toBe(false);
    await lib.init();
    expect(() => inference.policyKernels().adam(0, 0, 0, 0, 0, 0.9, 0.999, 1e-3, 1e-8, 0)).not.toThrow();
  });

  it('ddpg-wasm/policy\'s init(src) adopts the full module it is given, as before', async () => {
    vi.resetModules();
    const { WASM_LENGTH, WASM_TEXT } = await import('../../src/kernels/wasm-bytes.js');
    const entry = await import('../../src/policy.js');
    const loader = await import('../../src/kernels/loader.js');
    entry.initSync(decodeInlined(WASM_TEXT, WASM_LENGTH));
    expect(loader.isInitialized()).toBe(true);
    expect(() => entry.initSync(decodeInlined(POLICY_WASM_TEXT, POLICY_WASM_LENGTH))).toThrow(/not the ddpg-wasm kernel module/);
  });
});
