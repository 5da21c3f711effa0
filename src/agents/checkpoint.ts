/**
 * Checkpoint pieces shared by every agent: the environment and network
 * descriptions written into headers, reading and checking a file's common part,
 * picking the env to attach, and validating blocks and loop state. What a full
 * checkpoint holds and how it is written and restored is in
 * offpolicy-checkpoint.ts (DDPG, TD3 and SAC all go through it). Two kinds:
 *
 * - 'full': everything a run needs to continue bit-identically — networks,
 *   targets, Adam states, loop counters and the episode in flight, every
 *   generator, the noise process, the replay buffer and the environment's
 *   snapshot. Train 5 000 steps, save, load, train 5 000 more ≡ train 10 000.
 * - 'policy': the deterministic policy and the spaces only, readable by the
 *   inference-only entry `ddpg-wasm/policy`.
 */
import { type Env, normalizing } from '../envs/env.js';
import { builtinEnvOptions, isEnvId, makeEnv } from '../envs/make.js';
import type { Network } from '../nn/network.js';
import { type Decoded, decodeContainer, type EnvInfo, finiteNumberRecord, type PolicyHeader } from '../nn/container.js';
import type { LoopState, NetInfo, SaveKind } from './agent.js';
import { showValue } from '../show.js';

export type { NetInfo, SaveKind };

/** @internal */
export function envInfo(env: Env): EnvInfo {
  const options = builtinEnvOptions(env);
  return {
    id: env.id,
    observationSpace: { low: Array.from(env.observationSpace.low), high: Array.from(env.observationSpace.high) },
    actionSpace: { low: Array.from(env.actionSpace.low), high: Array.from(env.actionSpace.high) },
    maxEpisodeSteps: env.maxEpisodeSteps,
    ...(options === null ? {} : { options: { ...options } }),
  };
}

/** @internal */
export const netInfo = (n: Network): NetInfo => ({ spec: n.spec, layout: n.layout, size: n.size });

/** @internal */
export interface DecodedCheckpoint extends Decoded {
  readonly header: PolicyHeader;
}

/** Decodes a full or policy checkpoint of `algo` (throws naming what is wrong). @internal */
export function readCheckpoint(bytes: Uint8Array, algo: string): DecodedCheckpoint {
  const c = decodeContainer(bytes, 'checkpoint', ['full', 'policy']);
  if (c.header.algo !== algo) c.refuse(`it holds a ${String(c.header.algo)} agent, not ${algo}`);
  return c as DecodedCheckpoint;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A header's env description: id, two box spaces (JSON writes an infinite bound as null) and the time limit. */
function checkEnvInfo(c: Decoded, e: unknown): EnvInfo {
  if (!isObject(e) || typeof e.id !== 'string') return c.refuse(`env must be an object with a string id, got ${showValue(e)}`);
  for (const k of ['observationSpace', 'actionSpace']) {
    const sp = e[k] as { low?: unknown; high?: unknown } | null;
    const ok = (b: unknown): b is unknown[] => Array.isArray(b) && b.length >= 1 && b.length <= 65536 && b.every((x) => x === null || typeof x === 'number');
    if (!(ok(sp?.low) && ok(sp.high) && sp.low.length === sp.high.length)) {
      c.refuse(`env.${k} must be { low, high }: two arrays of 1 to 65536 numbers of the same length, got ${showValue(sp)}`);
    }
  }
  const t = e.maxEpisodeSteps;
  if (!(Number.isSafeInteger(t) && (t as number) >= 1)) c.refuse(`env.maxEpisodeSteps must be an integer in [1, 2^53 − 1], got ${showValue(t)}`);
  return e as unknown as EnvInfo;
}

/**
 * Everything of a full checkpoint's header that decides what loading allocates
 * or reads, checked before the agent is built: env, config and state (objects
 * where objects belong; noise and env snapshot null or objects), and the replay
 * buffer's capacity and widths against config.bufferSize (which config
 * validation bounds to [1, 10^8], before the buffer is allocated) and the
 * env's spaces: a capacity cannot be checked against the bytes present (an
 * empty buffer is small on disk).
 */
function checkFullHeader(c: DecodedCheckpoint): void {
  const h = c.header as unknown as Record<string, unknown>;
  const env = checkEnvInfo(c, h.env);
  if (!isObject(h.config)) c.refuse(`config must be an object, got ${showValue(h.config)}`);
  if (!isObject(h.nets)) c.refuse(`nets must be an object, got ${showValue(h.nets)}`);
  const s = h.state;
  if (!isObject(s)) return c.refuse(`state must be an object, got ${showValue(s)}`);
  for (const k of ['loop', 'rngs', 'adam', 'buffer', 'noise', 'env']) {
    if (!isObject(s[k]) && !(s[k] === null && (k === 'noise' || k === 'env'))) {
      c.refuse(`state.${k} must be an object${k === 'noise' || k === 'env' ? ' or null' : ''}, got ${showValue(s[k])}`);
    }
  }
  const b = s.buffer as Record<string, unknown>, want = { capacity: h.config.bufferSize, obsDim: env.observationSpace.low.length, actionDim: env.actionSpace.low.length };
  for (const [k, v] of Object.entries(want)) {
    if (b[k] !== v) c.refuse(`state.buffer.${k} must equal ${k === 'capacity' ? 'config.bufferSize' : `the env's ${k}`} (${showValue(v)}), got ${showValue(b[k])}`);
  }
}

/**
 * The shared first half of every agent's static load(): decode a full checkpoint
 * of `algo` (policy-only files are refused), check its header (checkFullHeader)
 * and pick the env to attach. Nothing is allocated yet.
 *
 * @internal
 */
export function openFull(bytes: Uint8Array, algo: string, env: Env | undefined): { readonly checkpoint: DecodedCheckpoint; readonly env: Env; readonly config: unknown } {
  const checkpoint = readCheckpoint(bytes, algo);
  if (checkpoint.header.kind !== 'full') {
    throw new Error('ddpg-wasm checkpoint: this is a policy-only file; load it with Policy.load() from "ddpg-wasm/policy"');
  }
  checkFullHeader(checkpoint);
  return { checkpoint, env: normalized(checkpoint, resolveEnv(checkpoint.header.env, env)), config: checkpoint.header.config };
}

/**
 * The env of a file with a `normalize` section: the caller's NormalizeEnv, given
 * the file's statistics. Either both or neither normalize (fresh statistics, or
 * none, would change the run).
 */
function normalized(c: DecodedCheckpoint, env: Env): Env {
  const n = c.header.normalize, w = normalizing(env);
  if ((n === undefined) !== (w === null)) c.refuse(`pass load() a NormalizeEnv (ddpg-wasm/normalize) exactly when the file has a normalize section (it has ${n === undefined ? 'none' : 'one'})`);
  try {
    w?.setStats(n as never);
  } catch (e) {
    c.refuse(`its normalize section: ${(e as Error).message}`);
  }
  return env;
}

/**
 * The environment to attach: the caller's (checked against the file: id, spaces,
 * time limit and a built-in env's physics options) or a fresh built-in one made
 * with the stored options, so a run on Pendulum with g = 2 resumes on g = 2.
 *
 * @internal
 */
export function resolveEnv(info: EnvInfo, env: Env | undefined): Env {
  const options = checkEnvOptions(info);
  if (env === undefined) {
    if (!isEnvId(info.id)) {
      throw new Error(`ddpg-wasm checkpoint: pass the environment to load(); "${info.id}" is not a built-in id`);
    }
    return makeEnv(info.id, options ?? { maxEpisodeSteps: info.maxEpisodeSteps });
  }
  const got = envInfo(env);
  const same = JSON.stringify(got.observationSpace) === JSON.stringify(info.observationSpace) &&
    JSON.stringify(got.actionSpace) === JSON.stringify(info.actionSpace) && got.id === info.id &&
    got.maxEpisodeSteps === info.maxEpisodeSteps;
  if (!same) {
    throw new Error(`ddpg-wasm checkpoint refused: it was saved for ${info.id} (obs ${info.observationSpace.low.length}, ` +
      `action ${info.actionSpace.low.length}, time limit ${info.maxEpisodeSteps}), not for the given env ${got.id} ` +
      `(obs ${got.observationSpace.low.length}, action ${got.actionSpace.low.length}, time limit ${got.maxEpisodeSteps})`);
  }
  if (options !== null && got.options !== undefined && JSON.stringify(got.options) !== JSON.stringify(options)) {
    throw new Error(`ddpg-wasm checkpoint refused: it was saved for ${info.id} with options ${JSON.stringify(options)}, ` +
      `not for the given env's ${JSON.stringify(got.options)}`);
  }
  return env;
}

/** The stored env options, checked (null when the file has none: a custom env). */
function checkEnvOptions(info: EnvInfo): Readonly<Record<string, number>> | null {
  const o: unknown = info.options;
  if (o === undefined) return null;
  const refuse = (why: string): Error => new Error(`ddpg-wasm checkpoint refused: ${why}`);
  const opts = finiteNumberRecord(o, 'env.options', refuse);
  if (!isEnvId(info.id)) throw refuse(`env.options given for "${info.id}", which is not a built-in env`);
  if (opts.maxEpisodeSteps !== info.maxEpisodeSteps) {
    throw refuse(`env.options.maxEpisodeSteps (${String(opts.maxEpisodeSteps)}) differs from env.maxEpisodeSteps (${info.maxEpisodeSteps})`);
  }
  // makeEnv refuses unknown names; the env's own constructor checks the values (e.g. Pendulum's g).
  try {
    makeEnv(info.id, opts);
  } catch (e) {
    throw refuse(`env.options rejected: ${(e as Error).message}`);
  }
  return opts;
}

/** @internal */
export function sameNet(n: Network, info: unknown, name: string): void {
  if (JSON.stringify(netInfo(n)) !== JSON.stringify(info)) {
    throw new Error(`ddpg-wasm checkpoint refused: the ${name} layout in the file does not match its config`);
  }
}

/** @internal */
export function checkLoop(l: LoopState, obsDim: number): LoopState {
  const refuse = (what: string): never => {
    throw new Error(`ddpg-wasm checkpoint refused: malformed ${what} in the training state`);
  };
  if (typeof l !== 'object' || l === null) refuse('loop state');
  const ints = [l.steps, l.episodes, l.updates, l.epLen, l.epUpdates, l.epActorUpdates];
  if (!ints.every((v) => Number.isSafeInteger(v) && (v as number) >= 0)) refuse('loop counters');
  if (typeof l.started !== 'boolean') refuse('"started" flag');
  // Episode sums: finite numbers (the loss sums are 0 before the first update); the best evaluation too, when there is one.
  if (![l.epReturn, l.epCriticLoss, l.epActorLoss, l.epQ, l.bestMeanReturn ?? 0].every((v) => typeof v === 'number' && Number.isFinite(v))) refuse('episode sums');
  if (l.obs !== null && !(Array.isArray(l.obs) && l.obs.length === obsDim && l.obs.every(Number.isFinite))) refuse('current observation');
  return l;
}

