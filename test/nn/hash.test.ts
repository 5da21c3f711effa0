// FNV-1a 32 against the published test vectors (Fowler/Noll/Vo, "FNV test
// suite", http://www.isthe.com/chongo/src/fnv/test_fnv.c: FNV1A_32 column).
import { describe, expect, it } from 'vitest';
import { fnv1a32, hashFloat32 } from '../../src/nn/index.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('fnv1a32', () => {
  it('"" hashes to the offset basis 0x811c9dc5', () => {
    expect(fnv1a32(ascii(''))).toBe(0x811c9dc5);
  });

  it('"a" hashes to 0xe40c292c', () => {
    expect(fnv1a32(ascii('a'))).toBe(0xe40c292c);
  });

  it('"foobar" hashes to 0xbf9cf968', () => {
    expect(fnv1a32(ascii('foobar'))).toBe(0xbf9cf968);
  });

  it('passing the previous hash as seed chains: h(b, h(a)) = h(a ‖ b)', () => {
    expect(fnv1a32(ascii('bar'), fnv1a32(ascii('foo')))).toBe(fnv1a32(ascii('foobar')));
  });

  it('returns an unsigned 32-bit integer', () => {
    const h = fnv1a32(ascii('foobar'));
    expect(h).toBeGreaterThanOrEqual(0);
    expect(h >>> 0).toBe(h);
  });
});

describe('hashFloat32', () => {
  it('equals fnv1a32 over the little-endian bytes of the floats', () => {
    const a = Float32Array.of(1, -0, 3.5), b = Float32Array.of(-2.25);
    const bytes = new Uint8Array(16);
    const dv = new DataView(bytes.buffer);
    [...a, ...b].forEach((v, i) => dv.setFloat32(4 * i, v, true));
    expect(hashFloat32([a, b])).toBe(fnv1a32(bytes));
  });

  it('tells +0 from −0', () => {
    expect(hashFloat32([Float32Array.of(0)])).not.toBe(hashFloat32([Float32Array.of(-0)]));
  });
});
