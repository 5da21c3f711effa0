import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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

  it('saves only the filled rows: 24 + 4·size·(2·3 + 1 + 1) + size bytes', () => {
    const buf = new ReplayBuffer(1000, O, A);
    for (let k = 0; k < 10; k++) addRow(buf, k);
    expect(buf.save().byteLength).toBe(24 + 4 * 10 * 8 + 10);
  });

  it('refuses to restore into a buffer of another capacity', () => {
    const a = new ReplayBuffer(5, O, A);
    addRow(a, 1);
    expect(() => new ReplayBuffer(6, O, A).restore(a.save())).toThrow(/capacity\/obsDim\/actionDim 5\/3\/1 differ/);
  });

  it('refuses a truncated or corrupted save without changing its contents', () => {
    const a = new ReplayBuffer(5, O, A);
    addRow(a, 1);
    const bytes = a.save();
    const b = new ReplayBuffer(5, O, A);
    addRow(b, 9);
    expect(() => b.restore(bytes.subarray(0, bytes.length - 1))).toThrow(/expected 57 bytes, got 56/);
    const nan = bytes.slice();
    new DataView(nan.buffer).setFloat32(24, NaN, true);
    expect(() => b.restore(nan)).toThrow(/non-finite/);
    const bad = bytes.slice();
    bad[0] = 0;
    expect(() => b.restore(bad)).toThrow(/bad magic/);
    const out = batch(1);
    b.sample(1, new Rng(0), out);
    expect(out.obs[0]).toBe(9);
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
