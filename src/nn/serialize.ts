/**
 * One network's parameters as bytes (little-endian, no I/O: the caller stores
 * the Uint8Array wherever it likes):
 *
 *   offset  size  field
 *   0       8     magic "DDPGNET1"
 *   8       4     u32 header length H (bytes, a multiple of 4)
 *   12      H     UTF-8 JSON header { spec, layout, size }, padded with spaces;
 *                 spec has every default filled in; layout offsets are in floats
 *   12+H    4·size  the parameter block as float32, alignment padding included
 *                 (W stored [fanIn, fanOut] row-major: the transpose of
 *                 PyTorch's nn.Linear.weight, the same as Keras's Dense.kernel)
 *   end−4   4     u32 FNV-1a 32 checksum of every byte before it
 *
 * Decoding checks everything (magic, lengths, checksum, JSON, the spec, that the
 * layout is the one the spec produces, finiteness) before any parameter is
 * written, so broken or mismatched bytes are refused whole and nothing is
 * half-loaded.
 */
import { Arena } from '../kernels/arena.js';
import { createKernels, type Backend } from '../kernels/index.js';
import { fnv1a32 } from './hash.js';
import { Network, networkLayout, type NetworkOptions, type TensorLayout } from './network.js';
import type { DenseSpec, NetworkSpec } from './spec.js';

export const NETWORK_MAGIC = 'DDPGNET1';
/** Magic (8) + header length (4). */
const PREFIX = 12;

export interface DecodedNetwork {
  /** The saved spec, defaults filled in. */
  readonly spec: NetworkSpec;
  readonly layout: readonly TensorLayout[];
  /** Floats in the parameter block. */
  readonly size: number;
  readonly params: Float32Array;
}

const refuse = (what: string): never => {
  throw new Error(`ddpg-wasm network bytes refused: ${what}`);
};

function normalDense(d: DenseSpec): Required<DenseSpec> {
  return {
    units: d.units,
    activation: d.activation ?? 'identity',
    scale: d.scale ?? 1,
    kernelInit: d.kernelInit ?? 'glorot-uniform',
    biasInit: d.biasInit ?? 'zeros',
  };
}

/** The spec with every default written out and one branch per input (key order fixed). */
function normalSpec(spec: NetworkSpec): NetworkSpec {
  return {
    inputs: [...spec.inputs],
    branches: spec.inputs.map((_, i) => (spec.branches?.[i] ?? []).map(normalDense)),
    layers: spec.layers.map(normalDense),
  };
}

/** What decides the function a parameter block computes: widths, activations, scales (not the initialisers). */
function architecture(spec: NetworkSpec): string {
  const arch = (d: DenseSpec): unknown => [d.units, d.activation ?? 'identity', d.scale ?? 1];
  return JSON.stringify([spec.inputs, spec.inputs.map((_, i) => (spec.branches?.[i] ?? []).map(arch)), spec.layers.map(arch)]);
}

/** The network's spec, layout and parameters as bytes (see the format above). */
export function networkToBytes(net: Network): Uint8Array {
  if (!net.paramsFinite()) throw new Error(`${net.name}: cannot serialise, some parameters are NaN or infinite`);
  const header = { spec: normalSpec(net.spec), layout: net.layout, size: net.size };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const H = Math.ceil(json.length / 4) * 4;
  const out = new Uint8Array(PREFIX + H + 4 * net.size + 4);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = NETWORK_MAGIC.charCodeAt(i);
  dv.setUint32(8, H, true);
  out.set(json, PREFIX);
  out.fill(0x20, PREFIX + json.length, PREFIX + H);
  // Copy the bits (not the values) so the round trip is exact by construction.
  const p = net.getParams();
  const bits = new Uint32Array(p.buffer, p.byteOffset, p.length);
  let o = PREFIX + H;
  for (let i = 0; i < bits.length; i++, o += 4) dv.setUint32(o, bits[i]!, true);
  dv.setUint32(o, fnv1a32(out.subarray(0, o)), true);
  return out;
}

function parseHeader(bytes: Uint8Array, H: number): { spec: NetworkSpec; layout: unknown; size: unknown } {
  let h: unknown;
  try {
    h = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX, PREFIX + H)));
  } catch {
    return refuse('the header is not valid UTF-8 JSON');
  }
  if (typeof h !== 'object' || h === null || !('spec' in h) || !('layout' in h) || !('size' in h)) {
    return refuse('the header lacks spec, layout or size');
  }
  return h as { spec: NetworkSpec; layout: unknown; size: unknown };
}

/** Validates and decodes bytes from networkToBytes without touching any network. */
export function decodeNetwork(bytes: Uint8Array): DecodedNetwork {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`network bytes must be a Uint8Array, got ${Object.prototype.toString.call(bytes)}`);
  if (bytes.length < PREFIX + 4) refuse(`${bytes.length} bytes is too short (truncated?)`);
  for (let i = 0; i < 8; i++) if (bytes[i] !== NETWORK_MAGIC.charCodeAt(i)) refuse(`not a ddpg-wasm network (magic is not "${NETWORK_MAGIC}")`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const H = dv.getUint32(8, true);
  if (H % 4 !== 0 || PREFIX + H + 4 > bytes.length) refuse(`header length ${H} does not fit in ${bytes.length} bytes (truncated?)`);
  const end = bytes.length - 4;
  if (fnv1a32(bytes.subarray(0, end)) !== dv.getUint32(end, true)) {
    // Say "truncated" when the header is intact and announces another length.
    let size: unknown = null;
    try { size = parseHeader(bytes, H).size; } catch { /* corrupted header: reported below */ }
    if (Number.isSafeInteger(size) && PREFIX + H + 4 * (size as number) + 4 !== bytes.length) {
      refuse(`expected ${PREFIX + H + 4 * (size as number) + 4} bytes, got ${bytes.length} (truncated or extended)`);
    }
    refuse('checksum mismatch (the bytes are corrupted)');
  }
  const header = parseHeader(bytes, H);
  let plan: ReturnType<typeof networkLayout>;
  try {
    plan = networkLayout(header.spec, 'saved');
  } catch (e) {
    return refuse(`the saved spec is invalid: ${(e as Error).message}`);
  }
  if (header.size !== plan.size || JSON.stringify(header.layout) !== JSON.stringify(plan.layout)) {
    refuse('the saved layout is not the one its spec produces');
  }
  if (PREFIX + H + 4 * plan.size + 4 !== bytes.length) refuse(`expected ${PREFIX + H + 4 * plan.size + 4} bytes, got ${bytes.length}`);
  const params = new Float32Array(plan.size);
  const bits = new Uint32Array(params.buffer);
  for (let i = 0, o = PREFIX + H; i < plan.size; i++, o += 4) bits[i] = dv.getUint32(o, true);
  for (let i = 0; i < params.length; i++) if (!Number.isFinite(params[i])) refuse(`parameter ${i} is ${params[i]}`);
  return { spec: normalSpec(header.spec), layout: plan.layout, size: plan.size, params };
}

/**
 * Loads bytes from networkToBytes into an existing network (for example one built
 * in an agent's arena). The saved widths, activations and scales must match
 * the network's spec exactly; initialisers may differ. All-or-nothing.
 */
export function loadNetworkParams(net: Network, bytes: Uint8Array): void {
  const d = decodeNetwork(bytes);
  if (architecture(d.spec) !== architecture(net.spec)) {
    refuse(`they hold a network of another shape than ${net.name} (saved ${architecture(d.spec)}, have ${architecture(net.spec)})`);
  }
  net.setParams(d.params);
}

export interface NetworkFromBytesOptions extends Partial<NetworkOptions> {
  /** Default 'wasm'. */
  readonly backend?: Backend;
}

/**
 * A new network, on its own arena and kernel instance, holding the saved
 * parameters. maxBatch defaults to 1 (acting); pass more for training.
 * To load into an arena you are still planning, build the network from
 * `decodeNetwork(bytes).spec`, commit, then call loadNetworkParams.
 */
export function networkFromBytes(bytes: Uint8Array, options: NetworkFromBytesOptions = {}): Network {
  const d = decodeNetwork(bytes);
  const arena = new Arena(createKernels(options.backend ?? 'wasm'));
  const { backend: _backend, ...rest } = options;
  const net = new Network(arena, d.spec, { ...rest, maxBatch: options.maxBatch ?? 1 });
  arena.commit();
  net.setParams(d.params);
  return net;
}
