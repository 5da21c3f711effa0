/**
 * The training worker: owns the agent, runs learn() one episode at a time, and
 * reports each finished episode (its return and the pendulum trajectory) to the
 * page, and every EVAL_EVERY steps an evaluation of the deterministic policy.
 * The wasm is compiled here, asynchronously, by init(): the page's main
 * thread never compiles anything. On a cross-origin-isolated page (served with
 * COOP/COEP, as examples/serve.mjs does) it trains with threads: initThreads()
 * starts helper workers that share the agent's memory, with the bits of one thread.
 */
import { init, initThreads, DDPG, makeEnv, type Pendulum, type ThreadsInfo } from '../../../dist/index.js';
import { CHUNK, EVAL_EPISODES, EVAL_EVERY, type Command, type Report } from './protocol.js';

/** The bit of the worker global scope we use (the project compiles against the DOM lib only). */
const scope = self as unknown as {
  postMessage(message: Report, transfer?: Transferable[]): void;
  onmessage: ((e: MessageEvent<Command>) => void) | null;
};
const post = (m: Report, transfer: Transferable[] = []): void => scope.postMessage(m, transfer);

/**
 * Threads to ask for: one per core, at most 4 (the keras preset's 256-wide layers
 * split into 32 column blocks of 8; only 2 cores were measured, bench/RESULTS.md "Threads").
 */
const MAX_THREADS = 4;

/** Pendulum-v1's time limit (Gymnasium registration): the trajectory buffer holds one episode. */
const EPISODE_STEPS = 200;

let agent: DDPG | null = null;
let env: Pendulum | null = null;
let seed = 7;
let running = false;
let target = 20_000;
/** Bumped by every pause/reset/start: a train() loop from an older generation stops and reports nothing. */
let generation = 0;
let abort: AbortController | null = null;
const trajectory = new Float32Array(2 * EPISODE_STEPS);
let t = 0;
let threads: ThreadsInfo = { threads: 1, reason: null };

function build(s: number): void {
  seed = s;
  env = makeEnv('Pendulum-v1');
  agent = new DDPG(env, { preset: 'keras', seed });
  t = 0;
  post({ type: 'ready', backend: agent.backend, seed, hash: agent.weightsHash(), threads: threads.threads, threadsReason: threads.reason });
  postState();
}

function postState(): void {
  const steps = agent?.loop.steps ?? 0;
  post({ type: 'state', running, steps, finished: steps >= target });
}

function stop(): void {
  running = false;
  generation++;
  abort?.abort();
  abort = null;
}

/**
 * Trains until `target` steps or until stopped. learn() yields to the event
 * loop after every episode, which is when pause/reset/download messages get in.
 */
async function train(a: DDPG, e: Pendulum, gen: number, signal: AbortSignal): Promise<void> {
  while (gen === generation && a.loop.steps < target) {
    // Up to the next multiple of CHUNK, so the checkpoints below are at the same steps whatever the pauses.
    const n = Math.min(CHUNK - (a.loop.steps % CHUNK), target - a.loop.steps);
    await a.learn(n, {
      signal,
      evalEvery: EVAL_EVERY,
      evalEpisodes: EVAL_EPISODES,
      onStep() {
        if (t < EPISODE_STEPS) {
          trajectory[2 * t] = e.theta;
          trajectory[2 * t + 1] = e.lastTorque ?? 0;
          t++;
        }
      },
      onEpisode(r) {
        const traj = trajectory.slice(0, 2 * t);
        t = 0;
        if (gen !== generation) return;
        post({
          type: 'episode', episode: r['time/episodes'], steps: r['time/total_timesteps'], return: r['rollout/ep_return'],
          sps: r['time/sps'], criticLoss: r['train/critic_loss'], hash: a.weightsHash(), trajectory: traj,
        }, [traj.buffer]);
      },
      onEval(r) {
        // A pause can land between an episode and its evaluation: keep it unless the agent was replaced (reset).
        if (a !== agent) return;
        post({ type: 'eval', episodes: r['time/episodes'], mean: r['eval/mean_return'], std: r['eval/std_return'] });
      },
    });
    if (gen !== generation) return;
    if (a.loop.steps % CHUNK === 0) post({ type: 'checkpoint', steps: a.loop.steps, hash: a.weightsHash() });
  }
  running = false;
  postState();
}

function handle(c: Command): void {
  switch (c.type) {
    case 'start': {
      target = c.totalSteps;
      if (agent === null || c.seed !== seed) build(c.seed);
      if (running) return;
      stop();
      running = true;
      abort = new AbortController();
      postState();
      train(agent!, env!, generation, abort.signal).catch((err: unknown) => post({ type: 'error', message: String(err) }));
      return;
    }
    case 'pause':
      stop();
      postState();
      return;
    case 'reset':
      stop();
      build(c.seed);
      return;
    case 'download': {
      if (agent === null) return;
      const bytes = agent.save({ kind: 'policy' }) as Uint8Array<ArrayBuffer>;
      post({ type: 'policy', bytes, name: `ddpg-pendulum-seed${seed}-step${agent.loop.steps}.policy` }, [bytes.buffer]);
      return;
    }
  }
}

/** init(), then threads where the page allows them: agents built afterwards use them. */
async function setup(): Promise<void> {
  await init();
  const n = Math.min(navigator.hardwareConcurrency || 1, MAX_THREADS);
  if (n === 1) threads = { threads: 1, reason: 'this device reports one core' };
  else if (!crossOriginIsolated) {
    threads = { threads: 1, reason: 'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)' };
  } else {
    const res = await fetch(new URL('../../../dist/kernels-threads.wasm', import.meta.url));
    threads = await initThreads(n, await WebAssembly.compileStreaming(res));
  }
}

// Commands wait for setup(); handle() is synchronous, so they run in arrival order.
const ready = setup();
ready.then(() => build(seed), (err: unknown) => post({ type: 'error', message: `init failed: ${String(err)}` }));
scope.onmessage = (e) => {
  ready.then(() => handle(e.data)).catch((err: unknown) => post({ type: 'error', message: String(err) }));
};
