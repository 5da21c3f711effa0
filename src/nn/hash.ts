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
