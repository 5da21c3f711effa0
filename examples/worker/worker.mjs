/**
 * A Cloudflare Worker that serves and trains a DDPG agent (ddpg-wasm).
 *
 * 'ddpg-wasm' resolves to the package's `workerd` export condition
 * (dist/workerd.js), whose init() instantiates dist/kernels.wasm imported as a
 * WebAssembly.Module: Workers refuse to compile wasm from bytes at run time.
 *
 *   POST /act    body {"obs": [cos θ, sin θ, θ̇]}   → {"action": [torque]}
 *                (the policy embedded in the Worker as the data module ./policy.bin)
 *   POST /train?steps=N[&budgetMs=B][&seed=S]
 *                body: a full checkpoint (DDPG#save()), or empty to start a new
 *                Pendulum-v1 agent (keras preset, seed S, default 7).
 *                Trains min(N, what fits in the CPU budget) steps and answers with
 *                the new checkpoint (application/octet-stream) and headers
 *                x-ddpg-trained, x-ddpg-remaining, x-ddpg-steps, x-ddpg-weights-hash.
 *                A long run is a chain of calls: post the answer back with
 *                steps = x-ddpg-remaining until it is 0. Saving after k steps and
 *                loading is exact (mid-episode too), so the chain ends at the same
 *                weights as one uninterrupted learn(N).
 */
import { init, DDPG, Policy, makeEnv } from 'ddpg-wasm';
import policyBytes from './policy.bin';

/**
 * Worker clocks stand still while a request computes (Date.now() and
 * performance.now() only move on I/O), so the budget is converted to steps with
 * a measured cost: ≈ 5.2 ms per environment step + update in local workerd on the
 * keras preset (scripts/crosscheck.mjs: 2 000 steps in 10.4 s), rounded up.
 */
const MS_PER_STEP = 6;
/** Default CPU budget per call: the Workers Paid plan's default 30 s CPU limit, minus room for load/save. */
const DEFAULT_BUDGET_MS = 25_000;
/** Largest single call we accept, whatever the budget (5 min: the maximum cpu_ms a Worker can be configured with). */
const MAX_BUDGET_MS = 300_000;

let policy = null;

const json = (body, status = 200) => Response.json(body, { status });
const fail = (status, message) => json({ error: message }, status);

function intParam(url, name, fallback, max) {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v < 0 || v > max) throw new RangeError(`${name} must be an integer in [0, ${max}], got ${raw}`);
  return v;
}

async function act(request) {
  policy ??= Policy.load(new Uint8Array(policyBytes));
  const body = await request.json();
  const obs = Array.isArray(body) ? body : body?.obs;
  if (!Array.isArray(obs)) return fail(400, 'POST /act expects {"obs": [numbers]}');
  return json({ action: Array.from(policy.act(obs)), env: policy.envId });
}

async function train(request, url) {
  const steps = intParam(url, 'steps', 0, Number.MAX_SAFE_INTEGER);
  const budgetMs = intParam(url, 'budgetMs', DEFAULT_BUDGET_MS, MAX_BUDGET_MS);
  const body = new Uint8Array(await request.arrayBuffer());
  const agent = body.length > 0
    ? DDPG.load(body)
    : new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed: intParam(url, 'seed', 7, 2 ** 32 - 1) });
  const n = Math.min(steps, Math.floor(budgetMs / MS_PER_STEP));
  await agent.learn(n);
  return new Response(agent.save(), {
    headers: {
      'content-type': 'application/octet-stream',
      'x-ddpg-trained': String(n),
      'x-ddpg-remaining': String(steps - n),
      'x-ddpg-steps': String(agent.loop.steps),
      'x-ddpg-weights-hash': agent.weightsHash(),
    },
  });
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    try {
      await init();
      if (request.method === 'POST' && url.pathname === '/act') return await act(request);
      if (request.method === 'POST' && url.pathname === '/train') return await train(request, url);
      return fail(404, 'POST /act {"obs": [...]} or POST /train?steps=N with a checkpoint body');
    } catch (e) {
      return fail(e instanceof RangeError || e instanceof SyntaxError ? 400 : 500, e instanceof Error ? e.message : String(e));
    }
  },
};
