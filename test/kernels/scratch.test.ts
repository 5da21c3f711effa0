// The GEMM packs k×8 panels of B into the arena's scratch. Two guarantees:
// (1) a network plans a scratch big enough for every GEMM it runs, including
//     dW = Xᵀ·dZ with k = batch and the forward pass with k = input width, which
//     can exceed every layer width (a batch of 300 on 16-wide layers);
// (2) a GEMM whose panel does not fit the registered scratch still writes nothing
//     outside C and gives the reference's bits (it skips packing).
import { describe, expect, it } from 'vitest';
import { Arena, createKernels } from '../../src/kernels/index.js';
import { DDPG } from '../../src/agents/ddpg.js';
import { makeEnv } from '../../src/envs/make.js';

describe('GEMM packing scratch', () => {
  it.each([[0, 0], [1, 0], [0, 1]])('layout transA=%i transB=%i with k·8 floats > scratch: no overflow, reference bits', (tA, tB) => {
    const [m, n, k] = [16, 24, 96];
    const out: Float32Array[] = [];
    for (const backend of ['wasm', 'reference'] as const) {
      const K = createKernels(backend);
      const ar = new Arena(K); // no requireScratch: the scratch holds 8 floats only
      const A = ar.alloc('a', m * k), B = ar.alloc('b', k * n), C = ar.alloc('c', m * n);
      ar.commit();
      const scratch = ar.plan.find((b) => b.name === 'gemm.scratch')!;
      expect(scratch.length).toBe(8);
      ar.f32(A).forEach((_, i, a) => { a[i] = ((i * 7919) % 1013) / 1013 - 0.5; });
      ar.f32(B).forEach((_, i, a) => { a[i] = ((i * 104729) % 997) / 997 - 0.5; });
      const heap = ar.heap();
      const after = (scratch.ptr >> 2) + 8; // the first float past the arena's last block
      const sentinel = after < heap.length ? heap[after] : undefined;
      K.gemm(tA, tB, m, n, k, 1, A.ptr, B.ptr, 0, C.ptr);
      if (sentinel !== undefined) expect(heap[after]).toBe(sentinel);
      out.push(ar.f32(C).slice());
    }
    expect(Buffer.from(out[0]!.buffer).equals(Buffer.from(out[1]!.buffer))).toBe(true);
  });

  it('a DDPG agent with batch 300 on 16-wide layers trains identically on wasm and reference', async () => {
    // Before the scratch covered k = batch, this wrote past the arena (and trapped for larger batches).
    const opts = { actorLayers: [16], criticStateLayers: [8], criticActionLayers: [8], criticLayers: [16], batchSize: 300, bufferSize: 1000, seed: 4 };
    const hashes: string[] = [];
    for (const backend of ['wasm', 'reference'] as const) {
      const agent = new DDPG(makeEnv('Pendulum-v1', { maxEpisodeSteps: 30 }), { ...opts, backend });
      await agent.learn(40);
      hashes.push(agent.weightsHash());
    }
    expect(hashes[0]).toBe(hashes[1]);
  });

  it('a DDPG agent with batch 2048 on the keras networks runs (it trapped before)', async () => {
    const agent = new DDPG(makeEnv('Pendulum-v1'), { batchSize: 2048, seed: 1 });
    await agent.learn(2);
    expect(agent.actor.paramsFinite()).toBe(true);
  });
});
