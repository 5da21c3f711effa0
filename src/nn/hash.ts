/**
 * FNV-1a, 32-bit (Fowler–Noll–Vo; offset basis 2166136261, prime 16777619) over
 * bytes, with Math.imul so every engine computes the same value. Used for the
 * checkpoint checksum and for weightsHash(), the fingerprint of determinism checks.
 */
export function fnv1a32(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed | 0;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** fnv1a32 over the little-endian bytes of float32 arrays, chained in order. */
export function hashFloat32(blocks: readonly Float32Array[], seed = 0x811c9dc5): number {
  let h = seed >>> 0;
  const word = new Uint8Array(4);
  const dv = new DataView(word.buffer);
  for (const b of blocks) {
    for (let i = 0; i < b.length; i++) {
      dv.setFloat32(0, b[i]!, true);
      h = fnv1a32(word, h);
    }
  }
  return h;
}

/** hashFloat32 as 8 lowercase hex digits: the format of every agent's weightsHash(). */
export function hashFloat32Hex(blocks: readonly Float32Array[]): string {
  return hashFloat32(blocks).toString(16).padStart(8, '0');
}
