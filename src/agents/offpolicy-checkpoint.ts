/**
 * Save/load for every agent (DDPG, TD3, SAC: an `Agent`, see agent.ts) in the
 * container of nn/container.ts; the shared checks live in checkpoint.ts.
 * Two kinds:
 *
 * - 'full': every parameter block (networks and free parameters such as SAC's
 *   log α), every Adam state, the loop and the episode in flight, every
 *   generator, the noise process, the replay buffer and the environment's
 *   snapshot, so train 5 000, save, load, train 5 000 ≡ train 10 000, bit for bit.
 * - 'policy': the deterministic policy and the spaces only.
 *
 * Both kinds carry the deterministic policy as the header's `actor` entry and
 * the `actor` block, which is what `Policy.load()` (ddpg-wasm/policy) reads:
 * for DDPG and TD3 that is the actor μ itself; for SAC it is h·tanh(mean) cut
 * out of the Gaussian actor (see sac.ts), while the full Gaussian actor is
 * stored under its own block name.
 *
 * Header of a full file: { kind, library, algo, env, actor, nets:
 * { blockName: { spec, layout, size } }, config, state: { loop, rngs, noise,
 * adam, env, buffer } }; blocks: actor (policy, unless a network is stored as
 * 'actor'), each parameter block, each optimiser's `<block>.adam.m` / `.v`,
 * and the replay buffer's rows (buffer.obs, … see rl/buffer.ts).
 */
import { type EnvSnapshot, normalizing } from '../envs/env.js';
import type { AdamState } from '../nn/adam.js';
import { type BlockData } from '../nn/container.js';
import { encodeContainer } from '../nn/container-write.js';
import type { BufferState } from '../rl/buffer.js';
import type { NoiseState } from '../rl/noise.js';
import type { Rng, RngState } from '../rng.js';
import type { Agent, LoopState, NetInfo, SaveKind } from './agent.js';
import { checkLoop, type DecodedCheckpoint, envInfo, netInfo, sameNet } from './checkpoint.js';

export { netInfo };

interface FullState {
  readonly loop: LoopState;
  readonly rngs: Record<string, RngState>;
  readonly noise: NoiseState | null;
  readonly adam: Record<string, AdamState>;
  readonly env: EnvSnapshot | null;
  readonly buffer: BufferState;
}

const hasActorNet = (a: Agent): boolean => a.parts.params.some((p) => p.block === 'actor' && p.net !== null);

/** The agent's file of `kind` (checked by the caller, OffPolicyAgent.save). @internal */
export function saveAgent(agent: Agent, kind: SaveKind): Uint8Array {
  const { params, optims, policy } = agent.parts;
  const pol: { info: NetInfo; params: Float32Array } = policy();
  // A NormalizeEnv's statistics (file format 3); Policy.load applies the float32 mean and std blocks.
  const norm = normalizing(agent.env), o = norm?.obsBlocks();
  const normBlocks = norm?.options.obs === true ? [{ name: 'normalize.mean', data: o!.mean }, { name: 'normalize.std', data: o!.std }] : [];
  const base = { kind, algo: agent.algo, env: envInfo(agent.env), actor: pol.info, ...(norm === null ? {} : { normalize: norm.getStats() }) };
  if (kind === 'policy') return encodeContainer(base, [{ name: 'actor', data: pol.params }, ...normBlocks]);
  const rngs: Record<string, RngState> = {};
  for (const [k, r] of Object.entries<Rng>(agent.rngs)) rngs[k] = r.getState();
  const adam: Record<string, AdamState> = {};
  for (const o of optims) adam[o.block] = o.adam.getState();
  const buffer = agent.buffer.getState();
  const state: FullState = {
    loop: agent.loop.getState(), rngs, noise: agent.noise?.getState() ?? null, adam, env: agent.env.getState?.() ?? null, buffer: buffer.state,
  };
  const nets: Record<string, NetInfo> = {};
  const blocks: { name: string; data: BlockData }[] = [];
  if (!hasActorNet(agent)) blocks.push({ name: 'actor', data: pol.params });
  for (const p of params) {
    if (p.net !== null) nets[p.block] = netInfo(p.net);
    blocks.push({ name: p.block, data: p.tensor.f32.slice() });
  }
  for (const o of optims) blocks.push({ name: `${o.block}.adam.m`, data: o.adam.m.f32.slice() }, { name: `${o.block}.adam.v`, data: o.adam.v.f32.slice() });
  blocks.push(...buffer.blocks, ...normBlocks);
  return encodeContainer({ ...base, nets, config: agent.config, state }, blocks);
}

/**
 * Checks an agent's planned parameter blocks (before its memory grows) against
 * a full checkpoint: each network's spec, layout and size as the file's `nets`
 * entry, and each parameter and Adam moment block's length as the file's.
 *
 * @internal
 */
export function checkPlan(agent: Agent, c: DecodedCheckpoint): void {
  const nets = (c.header.nets ?? {}) as Record<string, unknown>;
  for (const p of agent.parts.params) {
    if (p.net !== null) sameNet(p.net, nets[p.block], p.block);
    c.block(p.block, 'f32', p.tensor.length);
  }
  for (const o of agent.parts.optims) for (const m of ['m', 'v']) c.block(`${o.block}.adam.${m}`, 'f32', o.adam.net.size);
}

/**
 * Fills a freshly built agent from a full checkpoint. Every block is checked
 * before the first write; the env snapshot (the caller's env) goes last.
 *
 * @internal
 */
export function restoreAgent(agent: Agent, c: DecodedCheckpoint): void {
  const hd = c.header;
  const { params, optims, policy } = agent.parts;
  checkPlan(agent, c); // done at commit() already; cheap, and restoreAgent does not rely on it
  // The header's `actor` (what Policy.load reads) must describe this agent's policy too.
  if (JSON.stringify(policy().info) !== JSON.stringify(hd.actor)) {
    c.refuse('the actor layout in the file does not match its config');
  }
  const values = params.map((p) => c.block(p.block, 'f32', p.tensor.length));
  const moments = optims.map((o) => [c.block(`${o.block}.adam.m`, 'f32', o.adam.net.size), c.block(`${o.block}.adam.v`, 'f32', o.adam.net.size)] as const);
  // Adam divides by √v: a negative v would turn the next update into NaN.
  if (moments.some(([, v]) => v.some((x) => x < 0))) c.refuse('a negative Adam second moment v');
  const s = hd.state as FullState; // its shape was checked by openFull
  if ((agent.noise === null) !== (s.noise === null)) {
    c.refuse(`state.noise is ${s.noise === null ? 'null' : 'present'}, but the config's noise ${agent.noise === null ? 'has no state' : 'has a state'}`);
  }
  // Validation that can throw now writes into the fresh agent only (discarded on error).
  agent.buffer.setState(s.buffer, c);
  for (const [k, r] of Object.entries<Rng>(agent.rngs)) {
    if (s.rngs[k] === undefined) c.refuse(`generator "${k}" is missing`);
    r.setState(s.rngs[k]);
  }
  agent.noise?.setState(s.noise!);
  for (const o of optims) {
    const st = s.adam[o.block];
    if (st === undefined) c.refuse(`optimiser state "${o.block}" is missing`);
    o.adam.setState(st);
  }
  const loop = checkLoop(s.loop, agent.obsDim);
  agent.loop.setState(s.env === null ? { ...loop, obs: null } : loop);
  params.forEach((p, i) => (p.net !== null ? p.net.setParams(values[i]!) : p.tensor.f32.set(values[i]!)));
  optims.forEach((o, i) => {
    o.adam.m.f32.set(moments[i]![0]);
    o.adam.v.f32.set(moments[i]![1]);
  });
  if (s.env !== null && s.loop.obs !== null) {
    if (!agent.env.setState) throw new Error('ddpg-wasm checkpoint: the env has no setState(), so a mid-episode run cannot resume');
    agent.env.setState(s.env);
  }
}
