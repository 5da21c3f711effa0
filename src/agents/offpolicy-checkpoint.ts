/**
 * Save/load for every agent (DDPG, TD3, SAC) on the container format of
 * container.ts; the shared checks live in checkpoint.ts. Two kinds:
 *
 * - 'full': every network, every Adam state, the loop and the episode in
 *   flight, every generator, the noise process, the replay buffer, the
 *   environment's snapshot and any algorithm extras (SAC's temperature), so
 *   train 5 000, save, load, train 5 000 ≡ train 10 000, bit for bit.
 * - 'policy': the deterministic policy and the spaces only.
 *
 * Both kinds carry the deterministic policy as the header's `actor` entry and
 * the `actor` block, which is what `Policy.load()` (ddpg-wasm/policy) reads:
 * for DDPG and TD3 that is the actor μ itself; for SAC it is h·tanh(mean) cut out of the
 * Gaussian actor (see sac.ts), while the full Gaussian actor is stored under
 * its own block name.
 *
 * Header of a full file: { format, kind, library, algo, env, actor, nets:
 * { blockName: { spec, layout, size } }, config, state: { loop, rngs, noise,
 * adam, extra, env } }; blocks: actor (policy), each network, each optimiser's
 * `<name>.adam.m` / `.v`, the extras, `buffer`.
 */
import type { Env, EnvSnapshot } from '../envs/env.js';
import type { Block } from '../kernels/arena.js';
import type { AdamState, Adam } from '../nn/adam.js';
import type { Network } from '../nn/network.js';
import type { NoiseState } from '../rl/noise.js';
import type { ReplayBuffer } from '../rl/buffer.js';
import type { Rng, RngState } from '../rng.js';
import { VERSION } from '../version.js';
import { checkLoop, type DecodedCheckpoint, envInfo, f32Block, type NetInfo, netInfo, type SaveKind, sameNet } from './checkpoint.js';
import { type BlockData, encodeContainer } from './container.js';
import type { ActionNoise } from './noise-factory.js';
import type { LoopState, RunLoop } from './loop.js';

/** Everything of an agent that a checkpoint reads or writes. @internal */
export interface CheckpointParts {
  readonly algo: string;
  readonly env: Env;
  readonly config: object;
  /** Networks in file order, each under its block name. */
  readonly nets: readonly { readonly block: string; readonly net: Network }[];
  /** Adam optimisers; moments are stored as `<name>.adam.m` and `<name>.adam.v`. */
  readonly optims: readonly { readonly name: string; readonly adam: Adam }[];
  readonly rngs: Readonly<Record<string, Rng>>;
  readonly noise: ActionNoise | null;
  readonly buffer: ReplayBuffer;
  readonly loop: RunLoop;
  /**
   * The deterministic policy Policy.load() reads. null: the network stored
   * under the block name 'actor' is the policy (TD3).
   */
  readonly policy: (() => { readonly info: NetInfo; readonly params: Float32Array }) | null;
  /** Extra arena blocks stored as f32 blocks of the same name (SAC: the temperature). */
  readonly extraBlocks: readonly Block[];
  /** Extra JSON state (SAC: the temperature's Adam counters). */
  readonly extraState: { get(): unknown; set(s: unknown): void } | null;
}

interface FullState {
  readonly loop: LoopState;
  readonly rngs: Record<string, RngState>;
  readonly noise: NoiseState | null;
  readonly adam: Record<string, AdamState>;
  readonly extra: unknown;
  readonly env: EnvSnapshot | null;
}

const heapOf = (p: CheckpointParts): Float32Array => p.nets[0]!.net.heap();
const copyOut = (h: Float32Array, b: { ptr: number; length: number }): Float32Array => h.slice(b.ptr >> 2, (b.ptr >> 2) + b.length);

function policyOf(p: CheckpointParts): { info: NetInfo; params: Float32Array } {
  if (p.policy !== null) return p.policy();
  const actor = p.nets.find((n) => n.block === 'actor');
  if (actor === undefined) throw new Error(`${p.algo}: no network is stored as 'actor'`);
  return { info: netInfo(actor.net), params: actor.net.getParams() };
}

/** @internal */
export function saveAgent(p: CheckpointParts, kind: SaveKind): Uint8Array {
  if (kind !== 'full' && kind !== 'policy') throw new RangeError(`save: kind must be 'full' or 'policy', got ${String(kind)}`);
  const pol = policyOf(p);
  const base = { format: 'ddpg-wasm', kind, library: VERSION, algo: p.algo, env: envInfo(p.env), actor: pol.info };
  if (kind === 'policy') return encodeContainer(base, [{ name: 'actor', data: pol.params }]);
  const h = heapOf(p);
  const rngs: Record<string, RngState> = {};
  for (const [k, r] of Object.entries(p.rngs)) rngs[k] = r.getState();
  const adam: Record<string, AdamState> = {};
  for (const o of p.optims) adam[o.name] = o.adam.getState();
  const state: FullState = {
    loop: p.loop.getState(), rngs, noise: p.noise?.getState() ?? null, adam,
    extra: p.extraState?.get() ?? null, env: p.env.getState?.() ?? null,
  };
  const nets: Record<string, NetInfo> = {};
  const blocks: { name: string; data: BlockData }[] = [];
  if (p.policy !== null) blocks.push({ name: 'actor', data: pol.params });
  for (const n of p.nets) {
    nets[n.block] = netInfo(n.net);
    blocks.push({ name: n.block, data: n.net.getParams() });
  }
  for (const o of p.optims) {
    blocks.push({ name: `${o.name}.adam.m`, data: copyOut(h, o.adam.m) }, { name: `${o.name}.adam.v`, data: copyOut(h, o.adam.v) });
  }
  for (const b of p.extraBlocks) blocks.push({ name: b.name, data: copyOut(h, b) });
  blocks.push({ name: 'buffer', data: p.buffer.save() });
  return encodeContainer({ ...base, nets, config: p.config, state }, blocks);
}

/**
 * Fills a freshly built agent from a full checkpoint. Every block is checked
 * before the first write; the env snapshot (the caller's env) goes last.
 *
 * @internal
 */
export function restoreAgent(p: CheckpointParts, c: DecodedCheckpoint): void {
  const { header: hd, blocks } = c;
  const nets = (hd.nets ?? {}) as Record<string, unknown>;
  for (const n of p.nets) sameNet(n.net, nets[n.block], n.block);
  // The header's `actor` (what Policy.load reads) must describe this agent's policy too.
  if (JSON.stringify(policyOf(p).info) !== JSON.stringify(hd.actor)) {
    throw new Error('ddpg-wasm checkpoint refused: the actor layout in the file does not match its config');
  }
  const params = p.nets.map((n) => f32Block(blocks, n.block, n.net.size));
  const moments = p.optims.map((o) => [f32Block(blocks, `${o.name}.adam.m`, o.adam.net.size), f32Block(blocks, `${o.name}.adam.v`, o.adam.net.size)] as const);
  // Adam divides by √v: a negative v would turn the next update into NaN.
  if (moments.some(([, v]) => v.some((x) => x < 0))) throw new Error('ddpg-wasm checkpoint refused: a negative Adam second moment v');
  const extras = p.extraBlocks.map((b) => f32Block(blocks, b.name, b.length));
  const buffer = blocks.get('buffer');
  if (!(buffer instanceof Uint8Array)) throw new Error('ddpg-wasm checkpoint refused: the replay buffer block is missing');
  const s = hd.state as FullState | undefined;
  if (typeof s !== 'object' || s === null || typeof s.rngs !== 'object' || typeof s.adam !== 'object' || s.rngs === null || s.adam === null) {
    throw new Error('ddpg-wasm checkpoint refused: the training state is missing');
  }
  // Validation that can throw now writes into the fresh agent only (discarded on error).
  p.buffer.restore(buffer);
  for (const [k, r] of Object.entries(p.rngs)) {
    if (s.rngs[k] === undefined) throw new Error(`ddpg-wasm checkpoint refused: generator "${k}" is missing`);
    r.setState(s.rngs[k]);
  }
  if (p.noise !== null && s.noise !== null) p.noise.setState(s.noise);
  for (const o of p.optims) {
    const st = s.adam[o.name];
    if (st === undefined) throw new Error(`ddpg-wasm checkpoint refused: optimiser state "${o.name}" is missing`);
    o.adam.setState(st);
  }
  p.extraState?.set(s.extra);
  const loop = checkLoop(s.loop, p.env.observationSpace.shape[0]);
  p.loop.setState(s.env === null ? { ...loop, obs: null } : loop);
  p.nets.forEach((n, i) => n.net.setParams(params[i]!));
  const h = heapOf(p);
  p.optims.forEach((o, i) => {
    h.set(moments[i]![0], o.adam.m.ptr >> 2);
    h.set(moments[i]![1], o.adam.v.ptr >> 2);
  });
  p.extraBlocks.forEach((b, i) => h.set(extras[i]!, b.ptr >> 2));
  if (s.env !== null && s.loop.obs !== null) {
    if (!p.env.setState) throw new Error('ddpg-wasm checkpoint: the env has no setState(), so a mid-episode run cannot resume');
    p.env.setState(s.env);
  }
}
