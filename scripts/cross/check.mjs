/**
 * The cross-engine determinism check, shared by every runtime (Node, Deno, Bun,
 * workerd, Chromium, Firefox). Portable ESM: no imports, no node:*, no DOM; it
 * receives the package's public API (`import * as lib from 'ddpg-wasm'`, or the
 * dist/ entry by path) and returns plain JSON.
 *
 * Trains DDPG (keras preset, seed 7) on Pendulum-v1 for 2 000 steps, then runs
 * the deterministic policy μ(s) for 20 steps on an evaluation env reset with a
 * fixed seed. Every number below is part of the contract of issue 8. Then TD3 and
 * SAC (their default rltools presets, seed 7, OTHER_STEPS steps) so the check also
 * covers target smoothing, Gaussian sampling and SAC's log-prob kernels.
 */
export const SEED = 7;
export const STEPS = 2000;
export const EVAL_ACTIONS = 20;
/** TD3/SAC steps: past their 100 random warm-up steps, about a second each in Node. */
export const OTHER_STEPS = 600;
/** Reset seed of the evaluation env (the first eval episode's seed: SEED + EVAL_SEED_OFFSET). */
export const EVAL_RESET_SEED = SEED + 1_000_000;

/** float32 bit pattern as 8 hex digits (actions are float32: compare bits, not printed decimals). */
function f32hex(x) {
  const dv = new DataView(new ArrayBuffer(4));
  dv.setFloat32(0, x, true);
  return dv.getUint32(0, true).toString(16).padStart(8, '0');
}

/**
 * @param {{ init: (src?: unknown) => Promise<void>, DDPG: any, makeEnv: (id: string) => any, fnv1a32: (b: Uint8Array) => number, VERSION: string }} lib
 * @param {{ init?: unknown, steps?: number }} [options] `init`: what to pass to init() (default nothing); `steps`: override STEPS (debugging only)
 */
export async function crosscheck(lib, options = {}) {
  const { init, DDPG, TD3, SAC, makeEnv, fnv1a32, VERSION } = lib;
  const steps = options.steps ?? STEPS;
  await (options.init === undefined ? init() : init(options.init));
  const t0 = Date.now();
  const env = makeEnv('Pendulum-v1');
  const agent = new DDPG(env, { preset: 'keras', seed: SEED });
  const returns = [];
  await agent.learn(steps, { onEpisode: (r) => returns.push(r['rollout/ep_return']) });
  const trainMs = Date.now() - t0;
  const evalEnv = makeEnv('Pendulum-v1');
  let obs = evalEnv.reset(EVAL_RESET_SEED);
  const actions = [];
  for (let i = 0; i < EVAL_ACTIONS; i++) {
    const a = agent.act(obs);
    actions.push(a[0]);
    obs = evalEnv.step(a).obs;
  }
  const other = async (Algo) => {
    const a = new Algo(makeEnv('Pendulum-v1'), { seed: SEED });
    await a.learn(options.steps ?? OTHER_STEPS);
    return a.weightsHash();
  };
  const td3Hash = await other(TD3);
  const sacHash = await other(SAC);
  return {
    library: VERSION,
    weightsHash: agent.weightsHash(),
    td3Hash,
    sacHash,
    // FNV-1a of the full checkpoint: also covers replay buffer, Adam moments, RNG and noise state, loop progress.
    checkpointHash: fnv1a32(agent.save()).toString(16).padStart(8, '0'),
    actions,
    actionBits: actions.map(f32hex),
    returns,
    trainMs,
  };
}

/**
 * The API for a threaded run (issue 17): its init() also calls
 * initThreads(threads, wasm) and fails unless that gave `threads` threads (a run
 * that fell back to one thread proves nothing). `info` holds what it gave.
 * @param {{ init: () => Promise<void>, initThreads: (n: number, src: unknown) => Promise<{ threads: number, reason: string | null }> }} lib
 * @param {number} threads
 * @param {unknown} wasm the bytes (or compiled module) of kernels-threads.wasm
 */
export function withThreads(lib, threads, wasm) {
  const info = { threads: 1, reason: null };
  const init = async () => {
    await lib.init();
    Object.assign(info, await lib.initThreads(threads, wasm));
    if (info.threads !== threads) throw new Error(`initThreads(${threads}) gave ${info.threads} thread(s): ${info.reason}`);
  };
  return { api: { ...lib, init }, info };
}
