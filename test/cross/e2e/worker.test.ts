/**
 * The example Cloudflare Worker (examples/worker/worker.mjs) in a real workerd
 * on loopback, importing the package through its `workerd` export condition
 * (dist/workerd.js + kernels.wasm as a module).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DDPG, makeEnv, Policy } from '../../../src/index.js';
import { startWorkerd, type RunningWorkerd } from '../../../examples/worker/workerd-config.mjs';

const WORKER = fileURLToPath(new URL('../../../examples/worker/worker.mjs', import.meta.url));
/** The crosscheck's run: keras preset, seed 7, 2 000 steps. */
const SEED = 7, STEPS = 2000;
/** 4 000 ms at the Worker's 6 ms/step → 666 steps per call: calls end mid-episode (Pendulum episodes are 200 steps). */
const BUDGET_MS = 4000;

let worker: RunningWorkerd;
let policyBytes: Uint8Array;

beforeAll(async () => {
  // A quickly trained policy to embed (its quality does not matter here, only that /act reproduces it).
  const agent = new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: 3 });
  await agent.learn(300);
  policyBytes = agent.save({ kind: 'policy' });
  const dir = mkdtempSync(join(tmpdir(), 'ddpg-worker-test-'));
  writeFileSync(join(dir, 'policy.bin'), policyBytes);
  worker = await startWorkerd(WORKER, [{ name: 'policy.bin', path: join(dir, 'policy.bin'), type: 'data' }]);
});

afterAll(async () => {
  await worker?.stop();
});

const post = (path: string, body: BodyInit | null): Promise<Response> => fetch(worker.url + path, { method: 'POST', body });

describe('examples/worker in workerd', () => {
  it('POST /act returns the embedded policy’s action, bit for bit as Policy.act in Node', async () => {
    const policy = Policy.load(policyBytes);
    for (const obs of [[1, 0, 0], [-1, 0, 0.5], [0.6, -0.8, -7.9]]) {
      const res = await post('/act', JSON.stringify({ obs }));
      expect(res.status).toBe(200);
      const { action } = (await res.json()) as { action: number[] };
      expect(action).toEqual(Array.from(policy.act(obs)));
    }
  });

  it('POST /act answers 400 naming the problem for an observation of the wrong length', async () => {
    const res = await post('/act', JSON.stringify({ obs: [1, 0] }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/obs must have length 3/);
  });

  it('a chain of /train calls ends at the weightsHash of one uninterrupted run in Node', async () => {
    const fresh = () => new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: SEED });
    const direct = await fresh().learn(STEPS);
    let checkpoint: Uint8Array = fresh().save();
    let remaining = STEPS, calls = 0, hash = '';
    while (remaining > 0) {
      const res = await post(`/train?steps=${remaining}&budgetMs=${BUDGET_MS}`, checkpoint as Uint8Array<ArrayBuffer>);
      expect(res.status, await res.clone().text().catch(() => '')).toBe(200);
      remaining = Number(res.headers.get('x-ddpg-remaining'));
      hash = res.headers.get('x-ddpg-weights-hash') ?? '';
      checkpoint = new Uint8Array(await res.arrayBuffer());
      calls++;
    }
    expect(calls).toBe(Math.ceil(STEPS / Math.floor(BUDGET_MS / 6)));
    expect(hash).toBe(direct.weightsHash());
    expect(DDPG.load(checkpoint).save()).toEqual(direct.save());
  });
});
