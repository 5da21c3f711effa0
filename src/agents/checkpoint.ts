/**
 * DDPG save/load on the container format of container.ts. Two kinds:
 *
 * - 'full': everything a run needs to continue bit-identically — the four
 *   networks, both Adam states, loop counters and the episode in flight, every
 *   generator, the noise process, the replay buffer and the environment's
 *   snapshot. Train 5 000 steps, save, load, train 5 000 more ≡ train 10 000.
 * - 'policy': the actor and the spaces only (a few hundred KB less than full, and
 *   readable by the inference-only entry `ddpg-wasm/policy`).
 */
import type { Env, EnvSnapshot } from '../envs/env.js';
import { ENV_IDS, makeEnv } from '../envs/make.js';
import type { NetworkSpec, TensorLayout } from '../nn/index.js';
import type { Network } from '../nn/network.js';
import type { AdamState } from '../nn/adam.js';
import type { NoiseState } from '../rl/noise.js';
import type { RngState } from '../rng.js';
import { VERSION } from '../version.js';
import type { DDPGConfig } from './config.js';
import { type BlockData, decodeContainer, encodeContainer } from './container.js';
import type { DDPG } from './ddpg.js';
import type { LoopState } from './loop.js';

export type SaveKind = 'full' | 'policy';

export interface SpaceJSON {
  readonly low: number[];
  readonly high: number[];
}

export interface EnvInfo {
  readonly id: string;
  readonly observationSpace: SpaceJSON;
  readonly actionSpace: SpaceJSON;
  readonly maxEpisodeSteps: number;
}

export interface NetInfo {
  readonly spec: NetworkSpec;
  readonly layout: readonly TensorLayout[];
  readonly size: number;
}

interface FullState {
  readonly loop: LoopState;
  readonly rngs: Record<'replay' | 'noise' | 'explore', RngState>;
  readonly noise: NoiseState;
  readonly adam: Record<'actor' | 'critic', AdamState>;
  readonly env: EnvSnapshot | null;
}

export function envInfo(env: Env): EnvInfo {
  return {
    id: env.id,
    observationSpace: { low: Array.from(env.observationSpace.low), high: Array.from(env.observationSpace.high) },
    actionSpace: { low: Array.from(env.actionSpace.low), high: Array.from(env.actionSpace.high) },
    maxEpisodeSteps: env.maxEpisodeSteps,
  };
}

export const netInfo = (n: Network): NetInfo => ({ spec: n.spec, layout: n.layout, size: n.size });

export function saveDDPG(agent: DDPG, kind: SaveKind): Uint8Array {
  if (kind !== 'full' && kind !== 'policy') throw new RangeError(`save: kind must be 'full' or 'policy', got ${String(kind)}`);
  const base = { format: 'ddpg-wasm', kind, library: VERSION, algo: 'ddpg', env: envInfo(agent.env), actor: netInfo(agent.actor) };
  if (kind === 'policy') return encodeContainer(base, [{ name: 'actor', data: agent.actor.getParams() }]);
  const state: FullState = {
    loop: agent.loop.getState(),
    rngs: { replay: agent.rngs.replay.getState(), noise: agent.rngs.noise.getState(), explore: agent.rngs.explore.getState() },
    noise: agent.noise.getState(),
    adam: { actor: agent.actorOptim.getState(), critic: agent.criticOptim.getState() },
    env: agent.env.getState?.() ?? null,
  };
  const h = agent.actor.heap();
  const moments = (b: { ptr: number; length: number }): Float32Array => h.slice(b.ptr >> 2, (b.ptr >> 2) + b.length);
  const blocks: { name: string; data: BlockData }[] = [
    { name: 'actor', data: agent.actor.getParams() },
    { name: 'critic', data: agent.critic.getParams() },
    { name: 'actorTarget', data: agent.actorTarget.getParams() },
    { name: 'criticTarget', data: agent.criticTarget.getParams() },
    { name: 'actor.adam.m', data: moments(agent.actorOptim.m) },
    { name: 'actor.adam.v', data: moments(agent.actorOptim.v) },
    { name: 'critic.adam.m', data: moments(agent.criticOptim.m) },
    { name: 'critic.adam.v', data: moments(agent.criticOptim.v) },
    { name: 'buffer', data: agent.buffer.save() },
  ];
  return encodeContainer({ ...base, critic: netInfo(agent.critic), config: agent.config, state }, blocks);
}

export interface DecodedCheckpoint {
  readonly kind: SaveKind;
  readonly header: Record<string, unknown>;
  readonly blocks: ReadonlyMap<string, BlockData>;
}

/** Decodes and checks the parts every kind shares (throws naming what is wrong). */
export function readCheckpoint(bytes: Uint8Array, algo: string): DecodedCheckpoint {
  const { header, blocks } = decodeContainer(bytes);
  const h = header as Record<string, unknown>;
  if (h.format !== 'ddpg-wasm') throw new Error(`ddpg-wasm checkpoint refused: unknown format ${JSON.stringify(h.format)}`);
  if (h.algo !== algo) throw new Error(`ddpg-wasm checkpoint refused: it holds a ${String(h.algo)} agent, not ${algo}`);
  if (h.kind !== 'full' && h.kind !== 'policy') throw new Error(`ddpg-wasm checkpoint refused: unknown kind ${JSON.stringify(h.kind)}`);
  return { kind: h.kind, header: h, blocks };
}

/** The environment to attach: the caller's (checked against the file) or a fresh built-in one. */
export function resolveEnv(info: EnvInfo, env: Env | undefined): Env {
  if (env === undefined) {
    if (!(ENV_IDS as readonly string[]).includes(info.id)) {
      throw new Error(`ddpg-wasm checkpoint: pass the environment to load(); "${info.id}" is not a built-in id`);
    }
    return makeEnv(info.id, { maxEpisodeSteps: info.maxEpisodeSteps });
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
  return env;
}

export function f32Block(blocks: ReadonlyMap<string, BlockData>, name: string, length: number): Float32Array {
  const b = blocks.get(name);
  if (!(b instanceof Float32Array) || b.length !== length) {
    throw new Error(`ddpg-wasm checkpoint refused: block "${name}" is missing or has the wrong size (want ${length} floats)`);
  }
  for (let i = 0; i < b.length; i++) {
    if (!Number.isFinite(b[i]!)) throw new Error(`ddpg-wasm checkpoint refused: block "${name}" holds a non-finite value at ${i}`);
  }
  return b;
}

export function sameNet(n: Network, info: unknown, name: string): void {
  if (JSON.stringify(netInfo(n)) !== JSON.stringify(info)) {
    throw new Error(`ddpg-wasm checkpoint refused: the ${name} layout in the file does not match its config`);
  }
}

/**
 * Fills a freshly built agent from a full checkpoint. Every block is validated
 * before the first write; the env snapshot (which touches the caller's env) is
 * applied last, after everything else succeeded.
 */
export function restoreFull(agent: DDPG, c: DecodedCheckpoint): void {
  const { header: h, blocks } = c;
  sameNet(agent.actor, h.actor, 'actor');
  sameNet(agent.critic, h.critic, 'critic');
  const aN = agent.actor.size, cN = agent.critic.size;
  const data = {
    actor: f32Block(blocks, 'actor', aN), critic: f32Block(blocks, 'critic', cN),
    actorTarget: f32Block(blocks, 'actorTarget', aN), criticTarget: f32Block(blocks, 'criticTarget', cN),
    am: f32Block(blocks, 'actor.adam.m', aN), av: f32Block(blocks, 'actor.adam.v', aN),
    cm: f32Block(blocks, 'critic.adam.m', cN), cv: f32Block(blocks, 'critic.adam.v', cN),
  };
  const buffer = blocks.get('buffer');
  if (!(buffer instanceof Uint8Array)) throw new Error('ddpg-wasm checkpoint refused: the replay buffer block is missing');
  const s = h.state as FullState | undefined;
  if (typeof s !== 'object' || s === null || typeof s.rngs !== 'object' || s.rngs === null || typeof s.adam !== 'object' || s.adam === null) {
    throw new Error('ddpg-wasm checkpoint refused: the training state is missing or malformed');
  }
  // Validation that can throw happens on the fresh agent only (it is discarded on error).
  agent.buffer.restore(buffer);
  agent.rngs.replay.setState(s.rngs.replay);
  agent.rngs.noise.setState(s.rngs.noise);
  agent.rngs.explore.setState(s.rngs.explore);
  agent.noise.setState(s.noise);
  agent.actorOptim.setState(s.adam.actor);
  agent.criticOptim.setState(s.adam.critic);
  // Without an env snapshot (a custom env lacking getState) the episode in flight
  // cannot continue: the resumed run starts a new episode instead.
  const loop = checkLoop(s.loop, agent.obsDim);
  agent.loop.setState(s.env === null ? { ...loop, obs: null } : loop);
  agent.actor.setParams(data.actor);
  agent.critic.setParams(data.critic);
  agent.actorTarget.setParams(data.actorTarget);
  agent.criticTarget.setParams(data.criticTarget);
  const heap = agent.actor.heap();
  heap.set(data.am, agent.actorOptim.m.ptr >> 2);
  heap.set(data.av, agent.actorOptim.v.ptr >> 2);
  heap.set(data.cm, agent.criticOptim.m.ptr >> 2);
  heap.set(data.cv, agent.criticOptim.v.ptr >> 2);
  if (s.env !== null && s.loop.obs !== null) {
    if (!agent.env.setState) throw new Error('ddpg-wasm checkpoint: the env has no setState(), so a mid-episode run cannot resume');
    agent.env.setState(s.env);
  }
}

export function checkLoop(l: LoopState, obsDim: number): LoopState {
  const refuse = (what: string): never => {
    throw new Error(`ddpg-wasm checkpoint refused: malformed ${what} in the training state`);
  };
  if (typeof l !== 'object' || l === null) refuse('loop state');
  const ints = [l.steps, l.episodes, l.updates, l.epLen, l.epUpdates, l.epActorUpdates];
  if (!ints.every((v) => Number.isSafeInteger(v) && (v as number) >= 0)) refuse('loop counters');
  if (typeof l.started !== 'boolean') refuse('"started" flag');
  // Episode sums: finite numbers (the loss sums are 0 before the first update).
  if (![l.epReturn, l.epCriticLoss, l.epActorLoss, l.epQ].every((v) => typeof v === 'number' && Number.isFinite(v))) refuse('episode sums');
  if (l.obs !== null && !(Array.isArray(l.obs) && l.obs.length === obsDim && l.obs.every(Number.isFinite))) refuse('current observation');
  return l;
}

export type { DDPGConfig };
