/**
 * The checkpoint container (little-endian):
 *
 *   offset  size  field
 *   0       8     magic "DDPGWASM"
 *   8       4     u32 format version (1)
 *   12      4     u32 header length H (bytes, a multiple of 4)
 *   16      H     UTF-8 JSON header, padded with spaces; lists the f32 blocks
 *   16+H    …     the blocks, in header order: f32 blocks as little-endian
 *                 float32, u8 blocks as raw bytes padded with zeros to 4
 *   end−4   4     u32 FNV-1a 32 checksum of every byte before it
 *
 * Decoding validates everything (magic, version, lengths, checksum, JSON, block
 * sizes, finiteness) before the caller touches any state, so a broken file is
 * refused whole and nothing is half-loaded.
 */
import { fnv1a32 } from '../nn/hash.js';

/** @internal */
export const MAGIC = 'DDPGWASM';
/** Every engine we know of is little-endian; the DataView paths keep big-endian ones correct. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** @internal */
export const FORMAT_VERSION = 1;

/** @internal */
export interface BlockEntry {
  readonly name: string;
  readonly type: 'f32' | 'u8';
  /** Elements (floats or bytes). */
  readonly length: number;
}

/** @internal */
export type BlockData = Float32Array | Uint8Array;

const padded = (b: BlockData): number => (b instanceof Float32Array ? 4 * b.length : Math.ceil(b.length / 4) * 4);

/** @internal */
export interface ContainerHeader {
  readonly blocks: readonly BlockEntry[];
  readonly [key: string]: unknown;
}

/** @internal */
export function encodeContainer(header: Omit<ContainerHeader, 'blocks'>, blocks: readonly { name: string; data: BlockData }[]): Uint8Array {
  const blockList = blocks.map((b) => ({ name: b.name, type: b.data instanceof Float32Array ? 'f32' : 'u8', length: b.data.length }));
  const full = { ...header, blocks: blockList };
  let json = new TextEncoder().encode(JSON.stringify(full));
  const H = Math.ceil(json.length / 4) * 4;
  const body = blocks.reduce((n, b) => n + padded(b.data), 0);
  const out = new Uint8Array(16 + H + body + 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = MAGIC.charCodeAt(i);
  dv.setUint32(8, FORMAT_VERSION, true);
  dv.setUint32(12, H, true);
  out.set(json, 16);
  out.fill(0x20, 16 + json.length, 16 + H);
  json = new Uint8Array(0);
  let o = 16 + H;
  for (const b of blocks) {
    const d = b.data;
    if (d instanceof Float32Array) {
      if (LITTLE_ENDIAN) {
        out.set(new Uint8Array(d.buffer, d.byteOffset, d.byteLength), o);
        o += d.byteLength;
      } else for (let i = 0; i < d.length; i++, o += 4) dv.setFloat32(o, d[i]!, true);
    } else {
      out.set(d, o);
      o += padded(d);
    }
  }
  dv.setUint32(o, fnv1a32(out.subarray(0, o)), true);
  return out;
}

/** @internal */
export interface Decoded {
  readonly header: ContainerHeader;
  readonly blocks: ReadonlyMap<string, BlockData>;
}

const bad = (what: string): never => {
  throw new Error(`ddpg-wasm checkpoint refused: ${what}`);
};

/** @internal */
export function decodeContainer(bytes: Uint8Array): Decoded {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('checkpoint must be a Uint8Array');
  if (bytes.length < 20) bad(`too short (${bytes.length} bytes)`);
  for (let i = 0; i < 8; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) bad('not a ddpg-wasm file (bad magic)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(8, true);
  if (version !== FORMAT_VERSION) bad(`format version ${version}; this library reads version ${FORMAT_VERSION}`);
  const H = dv.getUint32(12, true);
  if (H % 4 !== 0 || 16 + H + 4 > bytes.length) bad(`header length ${H} does not fit in ${bytes.length} bytes (truncated?)`);
  const end = bytes.length - 4;
  const sum = fnv1a32(bytes.subarray(0, end));
  if (sum !== dv.getUint32(end, true)) bad('checksum mismatch (the file is truncated or corrupted)');
  let header: ContainerHeader;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + H))) as ContainerHeader;
  } catch {
    return bad('header is not valid JSON');
  }
  if (!Array.isArray(header?.blocks)) bad('header has no block list');
  const blocks = new Map<string, BlockData>();
  let o = 16 + H;
  for (const b of header.blocks) {
    if (typeof b?.name !== 'string' || !Number.isSafeInteger(b.length) || b.length < 0 || (b.type !== 'f32' && b.type !== 'u8')) {
      bad('malformed block entry');
    }
    const size = b.type === 'f32' ? 4 * b.length : Math.ceil(b.length / 4) * 4;
    if (o + size > end) bad(`block "${b.name}" runs past the end of the file`);
    if (b.type === 'f32') {
      let d: Float32Array;
      if (LITTLE_ENDIAN) {
        // One block copy (the file's f32 bytes are the platform's, bit for bit).
        d = new Float32Array(bytes.buffer.slice(bytes.byteOffset + o, bytes.byteOffset + o + size));
        o += size;
      } else {
        d = new Float32Array(b.length);
        for (let i = 0; i < b.length; i++, o += 4) d[i] = dv.getFloat32(o, true);
      }
      blocks.set(b.name, d);
    } else {
      blocks.set(b.name, bytes.slice(o, o + b.length));
      o += size;
    }
  }
  if (o !== end) bad(`${end - o} unexpected bytes after the last block`);
  return { header, blocks };
}

/**
 * A header field that must be an object of finite numbers (env options in
 * checkpoints and policy files); `fail` turns "<field>… must be …" into the
 * caller's error. @internal
 */
export function finiteNumberRecord(o: unknown, field: string, fail: (why: string) => Error): Record<string, number> {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw fail(`${field} must be an object`);
  for (const [k, v] of Object.entries(o)) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw fail(`${field}.${k} must be a finite number, got ${JSON.stringify(v)}`);
  }
  return o as Record<string, number>;
}
