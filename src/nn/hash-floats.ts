/**
 * weightsHash(): FNV-1a 32 over float32 parameters. Its own module so that the
 * inference entry, which needs only fnv1a32 (the container checksum), does not
 * ship it.
 */
import { fnv1a32 } from './hash.js';

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
