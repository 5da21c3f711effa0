import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeContainer } from '../../src/nn/container.js';
import { encodeContainer } from '../../src/nn/container-write.js';
import { fnv1a32 } from '../../src/nn/hash.js';
import { ReplayBuffer, type ReplayBatch } from '../../src/rl/buffer.js';
import { Rng } from '../../src/rng.js';

const O = 3, A = 1; // Pendulum's widths

/** Row k of a synthetic stream: every field encodes k, so a sampled row can be traced to its add. */
function addRow(buf: ReplayBuffer, k: number): void {
  buf.add([k, k + 0.25, k + 0.5], [-k], k / 2, [k + 1, k + 1.25, k + 1.5], k % 3 === 0);
}

function batch(n: number): ReplayBatch {
  return {
    obs: new Float32Array(n * O), action: new Float32Array(n * A), reward: new Float32Array(n),
    nextObs: new Float32Array(n * O), done: new Float32Array(n),
  };
}

/** The k each sampled row came from, checking all its fields agree with that add. */
function sampledKeys(b: ReplayBatch, n: number): number[] {
  const keys: number[] = [];
  for (let i = 0; i < n; i++) {
    const k = b.obs[i * O]!;
    const row = [b.obs[i * O + 1], b.obs[i * O + 2], b.action[i], b.reward[i], b.nextObs[i * O], b.nextObs[i * O + 2], b.done[i]];
    expect(row).toEqual([k + 0.25, k + 0.5, -k, k / 2, k + 1, k + 1.5, k % 3 === 0 ? 1 : 0]);
    keys.push(k);
  }
  return keys;
}

// Small integers keep every encoded value exact in float32 (k < 2^20).
const cap = fc.integer({ min: 1, max: 40 });
const adds = fc.integer({ min: 0, max: 150 });

describe('ReplayBuffer (properties)', () => {
  it('size saturates at capacity', () => {
    fc.assert(fc.property(cap, adds, (c, n) => {
      const buf = new ReplayBuffer(c, O, A);
      for (let k = 0; k < n; k++) addRow(buf, k);
      return buf.size === Math.min(n, c);
    }));
  });

  it('overwrites the oldest row first: the last min(n, capacity) adds are what remains', () => {
    fc.assert(fc.property(cap, adds.filter((n) => n > 0), fc.integer({ min: 0, max: 2 ** 31 }), (c, n, seed) => {
      const buf = new ReplayBuffer(c, O, A);
      for (let k = 0; k < n; k++) addRow(buf, k);
      // Sampling many times sees every present row (c ≤ 40, 4000 draws: P(miss one) ≤ 40·(39/40)^4000 ≈ 1e-42).
      const b = batch(4000);
      buf.sample(4000, new Rng(seed), b);
      const seen = [...new Set(sampledKeys(b, 4000))].sort((x, y) => x - y);
      const want = Array.from({ length: Math.min(n, c) }, (_, i) => n - Math.min(n, c) + i);
      expect(seen).toEqual(want);
    }), { numRuns: 30 });
  });

  it('samples only rows that were added and are still present', () => {
    fc.assert(fc.property(cap, adds.filter((n) => n > 0), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 2 ** 31 }), (c, n, bs, seed) => {
      const buf = new ReplayBuffer(c, O, A);
      for (let k = 0; k < n; k++) addRow(buf, k);
      const b = batch(bs);
      buf.sample(bs, new Rng(seed), b);
      const oldest = n - Math.min(n, c);
      return sampledKeys(b, bs).every((k) => Number.isInteger(k) && k >= oldest && k < n);
    }));
  });

  it('is deterministic for a given generator state', () => {
    fc.assert(fc.property(cap, adds.filter((n) => n > 0), fc.integer({ min: 0, max: 2 ** 31 }), (c, n, seed) => {
      const buf = new ReplayBuffer(c, O, A);
      for (let k = 0; k < n; k++) addRow(buf, k);
      const rng = new Rng(seed);
      for (let i = 0; i < 5; i++) rng.nextU32(); // any position in the stream
      const [b1, b2] = [batch(16), batch(16)];
      buf.sample(16, rng.clone(), b1);
      buf.sample(16, rng.clone(), b2);
      expect(b1).toEqual(b2);
    }));
  });

  it('restores from save() to the same contents and position', () => {
    fc.assert(fc.property(cap, adds, (c, n) => {
      const a = new ReplayBuffer(c, O, A);
      for (let k = 0; k < n; k++) addRow(a, k);
      const b = ReplayBuffer.load(a.save());
      // Same future: the same adds and the same draws give the same batches.
      for (let k = n; k < n + 7; k++) { addRow(a, k); addRow(b, k); }
      const [ba, bb] = [batch(32), batch(32)];
      a.sample(32, new Rng(1), ba);
      b.sample(32, new Rng(1), bb);
      expect([b.size, b.position, bb]).toEqual([a.size, a.position, ba]);
    }), { numRuns: 50 });
  });
});

describe('ReplayBuffer', () => {
  it('draws indices with one rng.int(size) per row, in order', () => {
    const buf = new ReplayBuffer(10, O, A);
    for (let k = 0; k < 7; k++) addRow(buf, k);
    const b = batch(5);
    buf.sample(5, new Rng(3), b);
    const rng = new Rng(3);
    // Rows 0..6 hold k = 0..6, so the sampled key is the drawn index.
    expect(sampledKeys(b, 5)).toEqual(Array.from({ length: 5 }, () => rng.int(7)));
  });

  it('saves only the filled rows, in the one container: 16 + H + 4·size·(2·3 + 1 + 1) + size (padded to 4) + 4 bytes', () => {
    const buf = new ReplayBuffer(1000, O, A);
    for (let k = 0; k < 10; k++) addRow(buf, k);
    const bytes = buf.save();
    const H = new DataView(bytes.buffer).getUint32(12, true);
    expect(new TextDecoder().decode(bytes.subarray(0, 8))).toBe('DDPGWASM');
    expect(bytes.byteLength).toBe(16 + H + 4 * 10 * 8 + 12 + 4);
    const { header } = decodeContainer(bytes, 'test', ['buffer']);
    expect([header.kind, header.buffer]).toEqual(['buffer', { capacity: 1000, obsDim: 3, actionDim: 1, size: 10, next: 10 }]);
    expect(header.blocks.map((b) => `${b.name}:${b.type}:${b.length}`)).toEqual(
      ['buffer.obs:f32:30', 'buffer.action:f32:10', 'buffer.reward:f32:10', 'buffer.nextObs:f32:30', 'buffer.terminated:u8:10']);
  });

  it('refuses to restore into a buffer of another capacity', () => {
    const a = new ReplayBuffer(5, O, A);
    addRow(a, 1);
    expect(() => new ReplayBuffer(6, O, A).restore(a.save())).toThrow(/replay buffer refused: saved replay buffer capacity\/obsDim\/actionDim 5\/3\/1 differ/);
  });

  /** A copy of `bytes` with a valid checksum after `edit`. */
  function resealed(bytes: Uint8Array, edit: (b: Uint8Array, dv: DataView, H: number) => void): Uint8Array {
    const b = bytes.slice(), dv = new DataView(b.buffer);
    edit(b, dv, dv.getUint32(12, true));
    dv.setUint32(b.length - 4, fnv1a32(b.subarray(0, b.length - 4)), true);
    return b;
  }

  it('refuses a truncated, corrupted or forged save without changing its contents', () => {
    const a = new ReplayBuffer(5, O, A);
    addRow(a, 1);
    const bytes = a.save();
    const b = new ReplayBuffer(5, O, A);
    addRow(b, 9);
    const n = bytes.length;
    expect(() => b.restore(bytes.subarray(0, n - 1))).toThrow(new RegExp(`expected ${n} bytes, got ${n - 1} \\(the file is truncated or corrupted\\)`));
    const flipped = bytes.slice();
    flipped[n - 8]! ^= 1;
    expect(() => b.restore(flipped)).toThrow(/checksum mismatch/);
    expect(() => b.restore(resealed(bytes, (_, dv, H) => dv.setFloat32(16 + H, NaN, true)))).toThrow(/block "buffer\.obs" holds a non-finite value at 0 \(NaN\)/);
    expect(() => b.restore(resealed(bytes, (x) => { x[n - 8] = 2; }))).toThrow(/terminated flags must be 0 or 1/);
    const bad = bytes.slice();
    bad[0] = 0;
    expect(() => b.restore(bad)).toThrow(/replay buffer refused: not a ddpg-wasm file \(bad magic\)/);
    const out = batch(1);
    b.sample(1, new Rng(0), out);
    expect(out.obs[0]).toBe(9);
  });

  it('refuses an inconsistent size and position, and missing rows (forged headers)', () => {
    const a = new ReplayBuffer(5, O, A);
    addRow(a, 1);
    const { header, blocks } = decodeContainer(a.save(), 'test', ['buffer']);
    const list = [...blocks].map(([name, data]) => ({ name, data }));
    const forged = (state: object, rows = list): Uint8Array => encodeContainer({ kind: 'buffer', buffer: { ...(header.buffer as object), ...state } }, rows);
    expect(() => ReplayBuffer.load(forged({ next: 3 }))).toThrow(/inconsistent replay buffer size 1 and position 3 for capacity 5/);
    expect(() => ReplayBuffer.load(forged({ size: 2, next: 2 }))).toThrow(/block "buffer\.obs" is missing or has the wrong size \(want 6 floats\)/);
    expect(() => ReplayBuffer.load(forged({}, list.slice(0, 4)))).toThrow(/block "buffer\.terminated" is missing or has the wrong size \(want 1 bytes\)/);
    expect(ReplayBuffer.load(forged({})).size).toBe(1); // control: the forging itself is sound
  });

  it('refuses the old "DRB1" framing naming both versions, and other kinds of file naming what they are', () => {
    const old = new Uint8Array(24 + 4 * 8 + 1);
    new DataView(old.buffer).setUint32(0, 0x31425244, true); // "DRB1"
    expect(() => ReplayBuffer.load(old)).toThrow(/replay buffer refused: format version 1 \(magic "DRB1"\) is not supported; this library reads versions 2 and 3/);
    expect(() => ReplayBuffer.load(encodeContainer({ kind: 'network' }, []))).toThrow(/replay buffer refused: it is a network file, not a replay buffer file/);
    expect(() => ReplayBuffer.load(encodeContainer({ kind: 'full' }, []))).toThrow(/replay buffer refused: it is a full checkpoint, not a replay buffer file/);
  });

  it('rejects rows of the wrong width and non-finite values', () => {
    const buf = new ReplayBuffer(4, O, A);
    expect(() => buf.add([0, 0], [0], 0, [0, 0, 0], false)).toThrow(/expected obs\/nextObs of length 3/);
    expect(() => buf.add([0, 0, 0], [NaN], 0, [0, 0, 0], false)).toThrow(/action\[0\] = NaN/);
    expect(() => buf.add([0, 0, 0], [0], Infinity, [0, 0, 0], false)).toThrow(/reward must be finite/);
  });

  it('refuses to sample when empty or into views that are too short', () => {
    const buf = new ReplayBuffer(4, O, A);
    expect(() => buf.sample(1, new Rng(0), batch(1))).toThrow(/empty/);
    addRow(buf, 0);
    expect(() => buf.sample(2, new Rng(0), batch(1))).toThrow(/into needs obs\/nextObs ≥ 6/);
  });

  it('rejects a zero capacity', () => {
    expect(() => new ReplayBuffer(0, O, A)).toThrow(/capacity must be an integer in \[1, 2147483648\]/);
  });
});
