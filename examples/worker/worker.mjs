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
 *
 * Limits (README.md): bodies over MAX_ACT_BYTES / MAX_CHECKPOINT_BYTES → 413;
 * malformed input, or a checkpoint whose one step would outlast the budget → 400;
 * other methods → 405, other paths → 404. Every error is JSON {"error": "…"}.
 */
import { init, DDPG, Policy, makeEnv } from 'ddpg-wasm';
import policyBytes from './policy.bin';

/**
 * /train converts its CPU budget to steps with a measured cost: on the keras preset
 * an environment step and its update take ≈ 5.2 ms in local workerd
 * (scripts/crosscheck.mjs: 2 000 steps in 10.4 s), rounded up to 6. Other configs
 * scale it by their work per update, batchSize × (actor + critic parameters)
 * (keras: 64 × 150 464), × gradientSteps / trainFreq. This estimate is the bound:
 * a deployed Worker's clock stands still while it computes (it moves on I/O only).
 */
const MS_PER_STEP = 6;
const KERAS_UPDATE_WORK = 64 * 150_464;
/** Default CPU budget per call: the Workers Paid plan's default 30 s CPU limit, minus room for load/save. */
const DEFAULT_BUDGET_MS = 25_000;
/** Largest single call we accept, whatever the budget (5 min: the maximum cpu_ms a Worker can be configured with). */
const MAX_BUDGET_MS = 300_000;
/** An observation is a few numbers. */
const MAX_ACT_BYTES = 4096;
/** The keras preset's full checkpoint is 2.4 MB + 33 bytes per stored transition (≤ 4.1 MB with its 50 000-row buffer). */
const MAX_CHECKPOINT_BYTES = 8 * 2 ** 20;
/** learn() runs in at most this many chunks; the clock is read between two. */
const CHUNKS = 20;

let policy = null;

class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Reads the body, refusing (413) more than `limit` bytes: by Content-Length up front, by counting for a stream without one. */
async function readBody(request, limit) {
  const tooLarge = () => new HttpError(413, `request body over the limit of ${limit} bytes for ${new URL(request.url).pathname}`);
  if (Number(request.headers.get('content-length')) > limit) throw tooLarge();
  const chunks = [];
  let size = 0;
  const reader = request.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    if ((size += value.length) > limit) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return new Uint8Array(await new Blob(chunks).arrayBuffer());
}

/**
 * Runs f on the client's input. What refuses bad input, the library (RangeError or
 * TypeError for values, an Error starting "ddpg-wasm checkpoint" for bytes),
 * JSON.parse (SyntaxError) or TextDecoder (TypeError), makes a 400; anything else
 * stays unexpected (500).
 */
function parse(f) {
  try {
    return f();
  } catch (e) {
    const refused = e instanceof RangeError || e instanceof TypeError || e instanceof SyntaxError || /^ddpg-wasm checkpoint/.test(e?.message);
    throw refused ? new HttpError(400, e.message) : e;
  }
}

function intParam(url, name, fallback, max) {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v < 0 || v > max) throw new HttpError(400, `${name} must be an integer in [0, ${max}], got ${raw}`);
  return v;
}

async function act(request) {
  const bytes = await readBody(request, MAX_ACT_BYTES);
  const body = parse(() => JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)));
  const obs = Array.isArray(body) ? body : body?.obs;
  if (!Array.isArray(obs)) throw new HttpError(400, 'POST /act expects {"obs": [numbers]}');
  policy ??= Policy.load(new Uint8Array(policyBytes));
  return Response.json({ action: Array.from(parse(() => policy.act(obs))), env: policy.envId });
}

/**
 * Environment steps of this agent that fit in budgetMs (at least 1), or 400 when
 * one step, with its gradientSteps updates, would already outlast the budget.
 */
function stepsInBudget(agent, budgetMs) {
  const c = agent.config, params = agent.actor.size + agent.critic.size;
  const oneStep = (MS_PER_STEP * c.gradientSteps * c.batchSize * params) / KERAS_UPDATE_WORK;
  if (oneStep > budgetMs) {
    throw new HttpError(400, `one step of this checkpoint (gradientSteps ${c.gradientSteps} × batchSize ${c.batchSize} on ` +
      `${params} parameters) would take ≈ ${Math.round(oneStep)} ms, over the budget of ${budgetMs} ms`);
  }
  // Updates run every trainFreq steps; a step without one (act + env) is counted as 1 % of MS_PER_STEP.
  return Math.max(1, Math.floor(budgetMs / Math.max(oneStep / c.trainFreq, MS_PER_STEP / 100)));
}

async function train(request, url) {
  const t0 = Date.now();
  const steps = intParam(url, 'steps', 0, Number.MAX_SAFE_INTEGER);
  const budgetMs = intParam(url, 'budgetMs', DEFAULT_BUDGET_MS, MAX_BUDGET_MS);
  const seed = intParam(url, 'seed', 7, 2 ** 32 - 1);
  const body = await readBody(request, MAX_CHECKPOINT_BYTES);
  const agent = body.length > 0
    ? parse(() => DDPG.load(body))
    : new DDPG(makeEnv('Pendulum-v1'), { preset: 'keras', seed });
  const n = Math.min(steps, stepsInBudget(agent, budgetMs));
  // learn(a); learn(b) ≡ learn(a + b), so chunks change nothing but where the clock
  // is read: a machine slower than MS_PER_STEP stops early. The first chunk always
  // runs, so a chain of calls always progresses.
  const chunk = Math.ceil(n / CHUNKS);
  let trained = 0;
  while (trained < n && (trained === 0 || Date.now() - t0 < budgetMs)) {
    const k = Math.min(chunk, n - trained);
    await agent.learn(k);
    trained += k;
    await new Promise((r) => setTimeout(r, 0)); // a Worker's clock moves only on I/O, such as this timer
  }
  return new Response(agent.save(), {
    headers: {
      'content-type': 'application/octet-stream',
      'x-ddpg-trained': String(trained),
      'x-ddpg-remaining': String(steps - trained),
      'x-ddpg-steps': String(agent.loop.steps),
      'x-ddpg-weights-hash': agent.weightsHash(),
    },
  });
}

const routes = new Map([['/act', act], ['/train', train]]);

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const route = routes.get(url.pathname);
    try {
      if (!route) throw new HttpError(404, `no ${url.pathname}: POST /act {"obs": [...]} or POST /train?steps=N with a checkpoint body`);
      if (request.method !== 'POST') throw new HttpError(405, `${url.pathname} takes POST, not ${request.method}`);
      await init();
      return await route(request, url);
    } catch (e) {
      const status = e instanceof HttpError ? e.status : 500;
      const headers = status === 405 ? { allow: 'POST' } : {};
      return Response.json({ error: e instanceof Error ? e.message : String(e) }, { status, headers });
    }
  },
};
