/**
 * Network specifications: plain JSON-safe objects, validated in one place.
 *
 * A network has one or more inputs. Each input may pass through its own stack of
 * dense layers (a "branch"); the branch outputs (or the raw inputs when a branch is
 * empty) are concatenated and fed to the trunk. The notebook's critic is
 *   { inputs: [3, 1], branches: [[16 relu, 32 relu], [32 relu]], layers: [256 relu, 256 relu, 1] }
 * and its actor { inputs: [3], layers: [256 relu, 256 relu, 1 tanh ×2] }.
 */
import type { ActName } from '../kernels/types.js';

/** Weight initialisers. 'glorot-uniform' is Keras's default (U(±√(6/(fanIn+fanOut)))); 'fan-in-uniform' is Lillicrap et al. §7 (U(±1/√fanIn)); { uniform: l } is U(±l). */
export type Init = 'glorot-uniform' | 'fan-in-uniform' | 'zeros' | { readonly uniform: number };

export interface DenseSpec {
  /** Output width. */
  readonly units: number;
  /** Default 'identity'. */
  readonly activation?: ActName;
  /** Output multiplier after the activation (the notebook's actor: tanh(·)·upperBound). Default 1. */
  readonly scale?: number;
  /** Default 'glorot-uniform'. */
  readonly kernelInit?: Init;
  /** Default 'zeros' (Keras). */
  readonly biasInit?: Init;
}

export interface NetworkSpec {
  /** Width of each input. */
  readonly inputs: readonly number[];
  /** Per input, its own layers before the concatenation (missing or [] = raw input). */
  readonly branches?: readonly (readonly DenseSpec[])[];
  /** Layers after the concatenation; the last one is the output. At least one. */
  readonly layers: readonly DenseSpec[];
}

const ACTS: readonly string[] = ['identity', 'relu', 'tanh'];
/** Largest layer width accepted (keeps arena sizes sane; far above any preset). */
export const MAX_WIDTH = 65536;
/** Most inputs a network takes: Network.forward(batch, x0, x1, x2) has three input pointers. */
export const MAX_INPUTS = 3;

function checkWidth(v: unknown, field: string): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_WIDTH) {
    throw new RangeError(`${field} must be an integer in [1, ${MAX_WIDTH}], got ${String(v)}`);
  }
}

function checkInit(v: unknown, field: string): void {
  if (v === undefined || v === 'glorot-uniform' || v === 'fan-in-uniform' || v === 'zeros') return;
  const l = (v as { uniform?: unknown } | null)?.uniform;
  if (typeof v === 'object' && typeof l === 'number' && Number.isFinite(l) && l >= 0) return;
  throw new RangeError(`${field} must be 'glorot-uniform', 'fan-in-uniform', 'zeros' or { uniform: l ≥ 0 }, got ${JSON.stringify(v)}`);
}

function checkDense(d: DenseSpec, field: string): void {
  if (typeof d !== 'object' || d === null) throw new TypeError(`${field} must be an object, got ${String(d)}`);
  checkWidth(d.units, `${field}.units`);
  if (d.activation !== undefined && !ACTS.includes(d.activation)) {
    throw new RangeError(`${field}.activation must be one of ${ACTS.join(', ')}, got ${String(d.activation)}`);
  }
  if (d.scale !== undefined && !(typeof d.scale === 'number' && Number.isFinite(Math.fround(d.scale)) && d.scale > 0)) {
    throw new RangeError(`${field}.scale must be a finite number > 0, got ${String(d.scale)}`);
  }
  checkInit(d.kernelInit, `${field}.kernelInit`);
  checkInit(d.biasInit, `${field}.biasInit`);
}

/** Throws a RangeError/TypeError naming the offending field. */
export function validateSpec(spec: NetworkSpec, name = 'network'): void {
  if (!Array.isArray(spec?.inputs) || spec.inputs.length < 1 || spec.inputs.length > MAX_INPUTS) {
    throw new RangeError(`${name}.inputs must be an array of 1 to ${MAX_INPUTS} widths, got ${JSON.stringify(spec?.inputs)}`);
  }
  spec.inputs.forEach((w, i) => checkWidth(w, `${name}.inputs[${i}]`));
  const br = spec.branches ?? [];
  if (!Array.isArray(br) || br.length > spec.inputs.length) {
    throw new RangeError(`${name}.branches must be an array with at most one entry per input (${spec.inputs.length})`);
  }
  br.forEach((b: readonly DenseSpec[], i: number) => {
    if (!Array.isArray(b)) throw new TypeError(`${name}.branches[${i}] must be an array of dense layers, got ${JSON.stringify(b)}`);
    b.forEach((d, j) => checkDense(d, `${name}.branches[${i}][${j}]`));
  });
  if (!Array.isArray(spec.layers) || spec.layers.length < 1) {
    throw new RangeError(`${name}.layers must be a non-empty array of dense layers`);
  }
  spec.layers.forEach((d, j) => checkDense(d, `${name}.layers[${j}]`));
}
