/**
 * Writing the container of container.ts (the format is described there). Its
 * own module so that the inference entry, which only reads files, does not
 * ship it.
 */
import { VERSION } from '../version.js';
import { type BlockData, type BlockEntry, FORMAT_NORMALIZED, FORMAT_VERSION, type FileKind, LITTLE_ENDIAN, MAGIC, padded } from './container.js';
import { fnv1a32 } from './hash.js';

/** @internal */
export function encodeContainer(header: { readonly kind: FileKind; readonly [key: string]: unknown }, blocks: readonly { name: string; data: BlockData }[]): Uint8Array {
  const list = blocks.map((b): BlockEntry => ({ name: b.name, type: b.data instanceof Float32Array ? 'f32' : 'u8', length: b.data.length }));
  const json = new TextEncoder().encode(JSON.stringify(Object.assign({ kind: header.kind, library: VERSION }, header, { blocks: list })));
  const H = Math.ceil(json.length / 4) * 4;
  const out = new Uint8Array(list.reduce((n, b) => n + padded(b.type, b.length), 16 + H + 4));
  const dv = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = MAGIC.charCodeAt(i);
  dv.setUint32(8, header.normalize !== undefined ? FORMAT_NORMALIZED : FORMAT_VERSION, true);
  dv.setUint32(12, H, true);
  out.set(json, 16);
  out.fill(0x20, 16 + json.length, 16 + H);
  let o = 16 + H;
  for (const { data: d } of blocks) {
    if (d instanceof Uint8Array) out.set(d, o);
    else if (LITTLE_ENDIAN) out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), o);
    else for (let i = 0; i < d.length; i++) dv.setFloat32(o + 4 * i, d[i]!, true);
    o += padded(d instanceof Float32Array ? 'f32' : 'u8', d.length);
  }
  dv.setUint32(o, fnv1a32(out.subarray(0, o)), true);
  return out;
}
