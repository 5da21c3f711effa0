// Issue 14, item 1: a small crafted file must be refused in milliseconds, with
// bounded memory, whatever its header claims. Every file here has a valid
// checksum (re-encoded with encodeContainer) and blocks that match its block
// list, so only the header's claims are hostile: huge layers, a huge replay
// buffer, sizes that disagree with the spec, a 100 000-deep JSON header, nulls
// where objects belong. Each load must throw an Error naming the field, without
// growing any wasm memory by more than 16 MiB and with RSS growing < 50 MB, and
// fast: its best of three takes less than three times a fixed CPU task timed
// beside it (on an idle 2-core VM: a refusal 0.1–0.3 ms, 18–28 ms for the
// 100 000-deep headers; the task ~32 ms, so the bar is ~100 ms). No wall-clock
// number: on a loaded machine both slow down together.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DDPG } from '../../src/agents/ddpg.js';
import { SAC } from '../../src/agents/sac.js';
import { TD3 } from '../../src/agents/td3.js';
import { makeEnv } from '../../src/envs/make.js';
import { type BlockData, decodeContainer, type FileKind } from '../../src/nn/container.js';
import { encodeContainer } from '../../src/nn/container-write.js';
import { networkFromBytes, networkToBytes } from '../../src/nn/serialize.js';
import { Policy } from '../../src/policy/policy.js';
import { ReplayBuffer } from '../../src/rl/buffer.js';

type Json = Record<string, any>;
const KINDS: FileKind[] = ['full', 'policy', 'network', 'buffer'];

/** Re-encodes `bytes` after `edit` changed its header (blocks unchanged, checksum recomputed). */
function forge(bytes: Uint8Array, edit: (h: Json) => void): Uint8Array {
  const { header, blocks } = decodeContainer(bytes, 'test', KINDS);
  const h = structuredClone(header) as Json;
  edit(h);
  delete h.blocks;
  return encodeContainer(h as { kind: FileKind }, [...blocks].map(([name, data]: [string, BlockData]) => ({ name, data })));
}

/** A header with `path` (e.g. ['env', 'options', 'g']) replaced by 100 000 nested arrays, checksum valid. */
function deepForge(bytes: Uint8Array, path: string[]): Uint8Array {
  const marker = '"@@deep@@"';
  const plain = forge(bytes, (h) => {
    let o = h;
    for (const k of path.slice(0, -1)) o = (o[k] ??= {}) as Json;
    o[path[path.length - 1]!] = '@@deep@@';
  });
  const dv = new DataView(plain.buffer, plain.byteOffset);
  const H = dv.getUint32(12, true);
  const json = new TextDecoder().decode(plain.subarray(16, 16 + H)).trimEnd().replace(marker, '['.repeat(100_000) + ']'.repeat(100_000));
  // Rebuild the framing around the edited JSON (the blocks follow unchanged).
  const body = new TextEncoder().encode(json);
  const H2 = Math.ceil(body.length / 4) * 4;
  const rest = plain.subarray(16 + H, plain.length - 4);
  const out = new Uint8Array(16 + H2 + rest.length + 4);
  out.set(plain.subarray(0, 16));
  new DataView(out.buffer).setUint32(12, H2, true);
  out.set(body, 16);
  out.fill(0x20, 16 + body.length, 16 + H2);
  out.set(rest, 16 + H2);
  let h = 0x811c9dc5;
  for (let i = 0; i < out.length - 4; i++) h = Math.imul(h ^ out[i]!, 0x01000193) >>> 0;
  new DataView(out.buffer).setUint32(out.length - 4, h, true);
  return out;
}

const pendulum = () => makeEnv('Pendulum-v1', { maxEpisodeSteps: 50 });
const SMALL = { actorLayers: [8], criticLayers: [8], batchSize: 4, bufferSize: 500 } as const;
const ddpg = () => new DDPG(pendulum(), { ...SMALL, criticStateLayers: [], criticActionLayers: [] });
const td3 = () => new TD3(pendulum(), SMALL);
const sac = () => new SAC(pendulum(), SMALL);
const huge = [{ units: 30_000, activation: 'relu' }, { units: 30_000, activation: 'relu' }];

let grown = 0;
afterEach(() => vi.restoreAllMocks());

/** Runs `load`, expects it to throw `pattern`, quickly and without growing memory. */
function expectRefusedCheaply(load: () => unknown, pattern: RegExp): void {
  const grow = WebAssembly.Memory.prototype.grow;
  grown = 0;
  vi.spyOn(WebAssembly.Memory.prototype, 'grow').mockImplementation(function (this: WebAssembly.Memory, pages: number) {
    grown += pages;
    return grow.call(this, pages);
  });
  const rss = process.memoryUsage().rss;
  let error: unknown;
  try {
    load();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).toMatch(pattern);
  expect((error as Error).message).not.toMatch(/Maximum call stack|Cannot read/);
  expect(grown * 65536, 'wasm memory grown (bytes)').toBeLessThanOrEqual(16 * 2 ** 20);
  expect(process.memoryUsage().rss - rss, 'RSS growth (bytes)').toBeLessThan(50 * 2 ** 20);
  const refusal = bestOf3(() => { try { load(); } catch { /* refused, as checked above */ } });
  const task = bestOf3(cpuTask);
  expect(refusal, `refusal ${refusal.toFixed(1)} ms against 3 × the reference task's ${task.toFixed(1)} ms`).toBeLessThan(3 * task);
}

/** The least time of three runs of f, in ms (the least is the one the machine disturbed least). */
function bestOf3(f: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    f();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/** The yardstick: ~4 million steps of integer hashing (its result is kept so that the loop is not optimised away). */
let sink = 0;
function cpuTask(): void {
  let x = sink | 0;
  for (let i = 0; i < 1 << 22; i++) x = Math.imul(x ^ i, 0x9e3779b1) + (x >>> 15);
  sink = x;
}

describe('crafted policy files (Policy.load)', () => {
  const policy = ddpg().save({ kind: 'policy' });

  it('two 30 000-unit hidden layers over a small actor block', () => {
    const bad = forge(policy, (h) => { h.actor.spec.layers.splice(0, 1, ...huge); });
    expectRefusedCheaply(() => Policy.load(bad), /policy refused: the actor layout does not match its spec/);
  });

  it('a size that disagrees with the actor block', () => {
    const bad = forge(policy, (h) => { h.actor.size = 1e9; });
    expectRefusedCheaply(() => Policy.load(bad), /policy refused: block "actor" is missing or has the wrong size \(want 1000000000 floats\)/);
  });

  it('a layout that disagrees with the spec', () => {
    const bad = forge(policy, (h) => { h.actor.layout[0].shape = [3, 9]; });
    expectRefusedCheaply(() => Policy.load(bad), /policy refused: the actor layout does not match its spec/);
  });

  it('a width beyond the spec limit', () => {
    const bad = forge(policy, (h) => { h.actor.spec.layers[0].units = 1e9; });
    expectRefusedCheaply(() => Policy.load(bad), /policy\.layers\[0\]\.units must be an integer in \[1, 65536\], got 1000000000/);
  });

  it('a 100 000-deep JSON header (an unknown field, env.options, the actor spec)', () => {
    for (const path of [['extra'], ['env', 'options', 'g'], ['actor', 'spec', 'inputs']]) {
      expectRefusedCheaply(() => Policy.load(deepForge(policy, path)), /policy refused: the header nests too deeply/);
    }
  });

  it('env: null, actor: null', () => {
    expectRefusedCheaply(() => Policy.load(forge(policy, (h) => { h.env = null; })), /policy refused: the file has no actor or environment/);
    expectRefusedCheaply(() => Policy.load(forge(policy, (h) => { h.actor = null; })), /policy refused: the file has no actor or environment/);
  });
});

const LOADERS = { DDPG: (b: Uint8Array) => DDPG.load(b), TD3: (b: Uint8Array) => TD3.load(b), SAC: (b: Uint8Array) => SAC.load(b) };

describe.each([['DDPG', ddpg], ['TD3', td3], ['SAC', sac]] as const)('crafted full checkpoints (%s.load)', (name, make) => {
  const full = make().save();
  const load = (b: Uint8Array) => () => LOADERS[name](b);

  it('an unedited re-encode still loads (the forging itself is sound)', () => {
    expect(load(forge(full, () => {}))).not.toThrow();
  });

  it('a config with [9000, 9000] layers over small blocks: refused before memory grows', () => {
    const bad = forge(full, (h) => { h.config.actorLayers = [9000, 9000]; h.config.criticLayers = [9000, 9000]; });
    expectRefusedCheaply(load(bad), /checkpoint refused: the \w+ layout in the file does not match its config/);
  });

  it('nets and config agreeing on [9000, 9000], blocks still small', () => {
    const bad = forge(full, (h) => {
      h.config.actorLayers = [9000, 9000];
      const spec = h.nets.actor?.spec ?? h.nets.gaussianActor.spec;
      spec.layers.splice(0, 1, { ...spec.layers[0], units: 9000 }, { ...spec.layers[0], units: 9000 });
    });
    expectRefusedCheaply(load(bad), /checkpoint refused/);
  });

  it('a huge bufferSize that the buffer state does not share', () => {
    const bad = forge(full, (h) => { h.config.bufferSize = 100_000_000; });
    expectRefusedCheaply(load(bad), /checkpoint refused: state\.buffer\.capacity must equal config\.bufferSize \(100000000\), got 500/);
  });

  it('a bufferSize beyond what config validation allows (both fields agreeing)', () => {
    const bad = forge(full, (h) => { h.config.bufferSize = 2 ** 40; h.state.buffer.capacity = 2 ** 40; });
    expectRefusedCheaply(load(bad), new RegExp(`${name} config: bufferSize must be an integer in \\[1, 100000000\\], got 1099511627776`));
  });

  it('buffer widths that disagree with the env', () => {
    const bad = forge(full, (h) => { h.state.buffer.obsDim = 65536; });
    expectRefusedCheaply(load(bad), /checkpoint refused: state\.buffer\.obsDim must equal the env's obsDim \(3\), got 65536/);
  });

  it('a block length that disagrees with the nets entry', () => {
    const bad = forge(full, (h) => { const k = Object.keys(h.nets)[0]!; h.nets[k].size += 16; });
    expectRefusedCheaply(load(bad), /checkpoint refused: the \w+ layout in the file does not match its config/);
  });

  it('a 100 000-deep JSON header', () => {
    for (const path of [['extra'], ['state', 'env'], ['config', 'actorLayers']]) {
      expectRefusedCheaply(load(deepForge(full, path)), /checkpoint refused: the header nests too deeply/);
    }
  });

  it.each([
    ['env', /checkpoint refused: env must be an object with a string id, got null/],
    ['config', /checkpoint refused: config must be an object, got null/],
    ['nets', /checkpoint refused: nets must be an object, got null/],
    ['state', /checkpoint refused: state must be an object, got null/],
  ])('%s: null', (field, pattern) => {
    expectRefusedCheaply(load(forge(full, (h) => { h[field] = null; })), pattern);
  });

  it.each(['loop', 'rngs', 'adam', 'buffer'])('state.%s: null', (field) => {
    const bad = forge(full, (h) => { h.state[field] = null; });
    expectRefusedCheaply(load(bad), new RegExp(`checkpoint refused: state\\.${field} must be an object, got null`));
  });

  it('env spaces and time limit of the wrong types', () => {
    expectRefusedCheaply(load(forge(full, (h) => { h.env.observationSpace = null; })), /env\.observationSpace must be \{ low, high \}/);
    expectRefusedCheaply(load(forge(full, (h) => { h.env.actionSpace.high = [1, 2]; })), /env\.actionSpace must be \{ low, high \}/);
    expectRefusedCheaply(load(forge(full, (h) => { h.env.maxEpisodeSteps = -1; })), /env\.maxEpisodeSteps must be an integer in \[1, 2\^53 − 1\], got -1/);
  });

  it('state.noise: null where the config has a noise process, or a state where it has none', () => {
    const hasNoise = make().noise !== null;
    const bad = forge(full, (h) => { h.state.noise = hasNoise ? null : { type: 'gaussian' }; });
    expectRefusedCheaply(load(bad), /checkpoint refused: state\.noise is (null|present), but the config's noise (has a state|has no state)/);
  });
});

describe('crafted network files (networkFromBytes)', () => {
  const net = networkToBytes(ddpg().actor);

  it('two 30 000-unit layers over a small params block', () => {
    const bad = forge(net, (h) => { h.spec.layers.splice(0, 1, ...huge); });
    expectRefusedCheaply(() => networkFromBytes(bad), /network refused: the saved layout is not the one its spec produces/);
  });

  it('a size that disagrees with the spec', () => {
    expectRefusedCheaply(() => networkFromBytes(forge(net, (h) => { h.size = 1e9; })), /network refused: the saved layout is not the one its spec produces/);
  });

  it('spec: null and a 100 000-deep header', () => {
    expectRefusedCheaply(() => networkFromBytes(forge(net, (h) => { h.spec = null; })), /network refused: the saved spec is invalid: saved\.inputs/);
    expectRefusedCheaply(() => networkFromBytes(deepForge(net, ['spec', 'inputs'])), /network refused: the header nests too deeply/);
  });
});

describe('crafted replay buffer files (ReplayBuffer.load / restore)', () => {
  const file = new ReplayBuffer(10, 3, 1).save();

  it('a capacity beyond the row limit', () => {
    const bad = forge(file, (h) => { h.buffer.capacity = 2 ** 40; });
    expectRefusedCheaply(() => ReplayBuffer.load(bad), /ReplayBuffer: capacity must be an integer in \[1, 2147483648\], got 1099511627776/);
  });

  it('a size beyond the rows present', () => {
    const bad = forge(file, (h) => { h.buffer.size = 5; h.buffer.next = 5; });
    expectRefusedCheaply(() => ReplayBuffer.load(bad), /replay buffer refused: block "buffer\.obs" is missing or has the wrong size \(want 15 floats\)/);
  });

  it('buffer: null and a 100 000-deep header', () => {
    expectRefusedCheaply(() => new ReplayBuffer(10, 3, 1).restore(forge(file, (h) => { h.buffer = null; })), /replay buffer refused: saved replay buffer capacity/);
    expectRefusedCheaply(() => ReplayBuffer.load(deepForge(file, ['buffer', 'capacity'])), /replay buffer refused: the header nests too deeply/);
  });
});
