/**
 * The one binary container of ddpg-wasm. Full checkpoints, policy files,
 * network files and replay buffer files are all this framing (little-endian):
 *
 *   offset  size  field
 *   0       8     magic "DDPGWASM"
 *   8       4     u32 format version (2)
 *   12      4     u32 header length H (bytes, a multiple of 4)
 *   16      H     UTF-8 JSON header, padded with spaces: { kind, library, …, blocks }
 *   16+H    …     the blocks, in header order: f32 blocks as little-endian
 *                 float32, u8 blocks as raw bytes padded with zeros to 4
 *   end−4   4     u32 FNV-1a 32 checksum of every byte before it
 *
 * `kind` is 'full' | 'policy' | 'network' | 'buffer'; `blocks` lists
 * { name, type: 'f32' | 'u8', length } (length in elements). Decoding checks
 * everything (magic, version, header length, the block list and its sizes
 * against the bytes present, checksum, JSON, kind, finiteness of every f32
 * block) before it allocates a block or returns, so a broken file is refused
 * whole, whatever its header claims, and nothing is half-loaded.
 */
import { fnv1a32 } from './hash.js';
import type { TensorLayout } from './network.js';
import type { NetworkSpec } from './spec.js';

/** @internal */
export const MAGIC = 'DDPGWASM';
/** @internal */
export const FORMAT_VERSION = 2;
/**
 * Format 3 is format 2 with a `normalize` header section (NormalizeEnv's
 * statistics, and `normalize.mean`/`.std` blocks when observations are
 * normalized). Only files of runs that normalize are written as 3, so every
 * other file keeps version 2 and its bytes, and a reader that predates it
 * refuses such a file instead of acting on unnormalized observations. @internal
 */
export const FORMAT_NORMALIZED = 3;
/** Magics of the version-1 framings that had their own (network files, replay buffer saves). */
const OLD_MAGICS = ['DDPGNET1', 'DRB1'];
/** Every engine we know of is little-endian; the DataView paths keep big-endian ones correct. */
/** @internal */
export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** @internal */
export type FileKind = 'full' | 'policy' | 'network' | 'buffer';
const KINDS: Record<FileKind, string> = { full: 'full checkpoint', policy: 'policy file', network: 'network file', buffer: 'replay buffer file' };

/** @internal */
export interface BlockEntry {
  readonly name: string;
  readonly type: 'f32' | 'u8';
  /** Elements (floats or bytes). */
  readonly length: number;
}

/** @internal */
export type BlockData = Float32Array | Uint8Array;

/** A network's spec, parameter layout and size: a network file's header, and each network's entry in a checkpoint. */
export interface NetInfo {
  readonly spec: NetworkSpec;
  readonly layout: readonly TensorLayout[];
  readonly size: number;
}

/** A Box space as files store it (Policy's observationSpace and actionSpace). */
export interface SpaceJSON {
  readonly low: readonly number[];
  readonly high: readonly number[];
}

/** @internal */
export interface EnvInfo {
  readonly id: string;
  readonly observationSpace: SpaceJSON;
  readonly actionSpace: SpaceJSON;
  readonly maxEpisodeSteps: number;
  /** A built-in env's options (`builtinEnvOptions`: Pendulum's g, the time limit); absent for custom envs. */
  readonly options?: Readonly<Record<string, number>>;
}

/** Every header: what the file is, the library that wrote it, the block list, and the kind's own fields. @internal */
export interface ContainerHeader {
  readonly kind: FileKind;
  readonly library: string;
  readonly blocks: readonly BlockEntry[];
  readonly [key: string]: unknown;
}

/** What policy and full checkpoint headers share: the part Policy.load reads (its `actor` block is the deterministic policy). @internal */
export interface PolicyHeader extends ContainerHeader {
  readonly algo: string;
  readonly env: EnvInfo;
  readonly actor: NetInfo;
}

/** Bytes a block takes in the file. @internal */
export const padded = (type: BlockEntry['type'], length: number): number => (type === 'f32' ? 4 * length : Math.ceil(length / 4) * 4);

/** @internal */
export interface Decoded {
  readonly header: ContainerHeader;
  readonly blocks: ReadonlyMap<string, BlockData>;
  /** Throws the reader's refusal, "ddpg-wasm <what> refused: <why>". */
  refuse(why: string): never;
  /** Block `name`, which must be of `type` and hold `length` elements (else refused). */
  block<T extends BlockEntry['type']>(name: string, type: T, length: number): T extends 'f32' ? Float32Array : Uint8Array;
}

const hasText = (bytes: Uint8Array, text: string): boolean => [...text].every((ch, i) => bytes[i] === ch.charCodeAt(0));

/** The file length the header's block list describes (refused when the list is malformed). */
function describedLength(h: unknown, H: number, refuse: (why: string) => never): number {
  const list = (h as { blocks?: unknown } | null)?.blocks;
  if (!Array.isArray(list)) return refuse('the header has no block list');
  const names = new Set<string>();
  let n = 16 + H + 4;
  for (const b of list as BlockEntry[]) {
    if (typeof b?.name !== 'string' || names.has(b.name) || !Number.isSafeInteger(b.length) || b.length < 0 || (b.type !== 'f32' && b.type !== 'u8')) {
      refuse(`malformed or repeated block entry ${JSON.stringify(b)}`);
    }
    names.add(b.name);
    n += padded(b.type, b.length);
  }
  return n;
}

/**
 * Validates and decodes a container. `what` names the reader in its errors
 * ("checkpoint", "policy", "network", "replay buffer"); `kinds` are the kinds
 * it accepts. @internal
 */
export function decodeContainer(bytes: Uint8Array, what: string, kinds: readonly FileKind[]): Decoded {
  const refuse = (why: string): never => {
    throw new Error(`ddpg-wasm ${what} refused: ${why}`);
  };
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`ddpg-wasm ${what} must be a Uint8Array, got ${Object.prototype.toString.call(bytes)}`);
  if (bytes.length < 20) refuse(`too short (${bytes.length} bytes)`);
  const old = OLD_MAGICS.find((m) => hasText(bytes, m));
  const reads = 'this library reads versions 2 and 3';
  if (old !== undefined) refuse(`format version 1 (magic "${old}") is not supported; ${reads}`);
  if (!hasText(bytes, MAGIC)) refuse('not a ddpg-wasm file (bad magic)');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = dv.getUint32(8, true);
  if (version !== FORMAT_VERSION && version !== FORMAT_NORMALIZED) refuse(`format version ${version} is not supported; ${reads}`);
  const H = dv.getUint32(12, true), end = bytes.length - 4;
  if (H % 4 !== 0 || 16 + H > end) refuse(`header length ${H} does not fit in ${bytes.length} bytes (truncated?)`);
  let header: ContainerHeader | undefined;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(16, 16 + H))) as ContainerHeader;
  } catch { /* refused below, after the checksum */ }
  if (fnv1a32(bytes.subarray(0, end)) !== dv.getUint32(end, true)) {
    // Say how long the file should be when its header is intact and describes another length.
    let want = bytes.length;
    try { want = describedLength(header, H, refuse); } catch { /* a corrupted header */ }
    refuse(want === bytes.length ? 'checksum mismatch (the file is truncated or corrupted)' : `expected ${want} bytes, got ${bytes.length} (the file is truncated or corrupted)`);
  }
  if (header === undefined) return refuse('the header is not valid UTF-8 JSON');
  try {
    JSON.stringify(header);
  } catch {
    refuse('the header nests too deeply');
  }
  // Every size the header claims is checked against the bytes present before anything is allocated.
  const want = describedLength(header, H, refuse);
  if (want !== bytes.length) refuse(`expected ${want} bytes, got ${bytes.length}`);
  const kind: unknown = header.kind;
  if (!kinds.includes(kind as FileKind)) {
    refuse(typeof kind === 'string' && Object.hasOwn(KINDS, kind)
      ? `it is a ${KINDS[kind as FileKind]}, not a ${kinds.map((k) => KINDS[k]).join(' or ')}`
      : `unknown kind ${JSON.stringify(kind)}`);
  }
  const blocks = new Map<string, BlockData>();
  let o = 16 + H;
  for (const { name, type, length } of header.blocks) {
    if (type === 'u8') blocks.set(name, bytes.slice(o, o + length));
    else {
      // One block copy (the file's f32 bytes are the platform's, bit for bit).
      const d = LITTLE_ENDIAN ? new Float32Array(bytes.buffer.slice(bytes.byteOffset + o, bytes.byteOffset + o + 4 * length)) : new Float32Array(length);
      if (!LITTLE_ENDIAN) for (let i = 0; i < length; i++) d[i] = dv.getFloat32(o + 4 * i, true);
      // Built-in scans: fast even before the JIT warms up (Policy.load in a fresh process).
      if (d.includes(NaN) || d.includes(Infinity) || d.includes(-Infinity)) {
        const i = d.findIndex((x) => !Number.isFinite(x));
        refuse(`block "${name}" holds a non-finite value at ${i} (${d[i]})`);
      }
      blocks.set(name, d);
    }
    o += padded(type, length);
  }
  const block = (name: string, type: BlockEntry['type'], length: number): BlockData => {
    const d = blocks.get(name);
    if (d === undefined || (d instanceof Float32Array) !== (type === 'f32') || d.length !== length) {
      refuse(`block "${name}" is missing or has the wrong size (want ${length} ${type === 'f32' ? 'floats' : 'bytes'})`);
    }
    return d!;
  };
  return { header, blocks, refuse, block: block as Decoded['block'] };
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
