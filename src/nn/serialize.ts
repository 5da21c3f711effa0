/**
 * One network's parameters as bytes (no I/O: the caller stores the Uint8Array
 * wherever it likes), in the container of container.ts: kind 'network', the
 * header's { spec, layout, size } (spec with every default filled in, layout
 * offsets in floats), and one f32 block "params" of `size` floats, alignment
 * padding included (W stored [fanIn, fanOut] row-major: the transpose of
 * PyTorch's nn.Linear.weight, the same as Keras's Dense.kernel).
 *
 * Decoding checks everything (the container's framing and checksum, the spec,
 * that the layout is the one the spec produces, finiteness) before any
 * parameter is written, so broken or mismatched bytes are refused whole and
 * nothing is half-loaded.
 */
import { Arena } from '../kernels/arena.js';
import { createKernels, type Backend } from '../kernels/index.js';
import { decodeContainer, type NetInfo } from './container.js';
import { encodeContainer } from './container-write.js';
import { Network, networkLayout, type NetworkOptions } from './network.js';
import type { DenseSpec, NetworkSpec } from './spec.js';

/** The saved spec (defaults filled in), layout and size, and the `size` parameters. */
export interface DecodedNetwork extends NetInfo {
  readonly params: Float32Array;
}

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
  return encodeContainer({ kind: 'network', spec: normalSpec(net.spec), layout: net.layout, size: net.size }, [{ name: 'params', data: net.getParams() }]);
}

/** Validates and decodes bytes from networkToBytes without touching any network. */
export function decodeNetwork(bytes: Uint8Array): DecodedNetwork {
  const c = decodeContainer(bytes, 'network', ['network']);
  const h = c.header as Partial<NetInfo>;
  let plan: ReturnType<typeof networkLayout>;
  try {
    plan = networkLayout(h.spec!, 'saved');
  } catch (e) {
    return c.refuse(`the saved spec is invalid: ${(e as Error).message}`);
  }
  if (h.size !== plan.size || JSON.stringify(h.layout) !== JSON.stringify(plan.layout)) c.refuse('the saved layout is not the one its spec produces');
  return { spec: normalSpec(h.spec!), layout: plan.layout, size: plan.size, params: c.block('params', 'f32', plan.size) };
}

/**
 * Loads bytes from networkToBytes into an existing network (for example one built
 * in an agent's arena). The saved widths, activations and scales must match
 * the network's spec exactly; initialisers may differ. All-or-nothing.
 */
export function loadNetworkParams(net: Network, bytes: Uint8Array): void {
  const d = decodeNetwork(bytes);
  if (architecture(d.spec) !== architecture(net.spec)) {
    throw new Error(`ddpg-wasm network refused: it holds a network of another shape than ${net.name} (saved ${architecture(d.spec)}, have ${architecture(net.spec)})`);
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
