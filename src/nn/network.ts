/**
 * Dense networks with manual backprop on the kernels.
 *
 * Memory (ARCHITECTURE.md, "Memory: plan once, grow once"): all parameters of a
 * network are one contiguous arena block, described by a layout table; gradients
 * (and the optimizer's moments) use the same layout, so Adam, polyak averaging,
 * target copies and save/load are one kernel call per network. Every tensor starts
 * on a 16-float (64-byte) boundary inside the block; the padding stays zero.
 *
 * W is stored [fanIn, fanOut] row-major, so the forward pass is a plain GEMM
 * Y = X·W. (This is the transpose of PyTorch's nn.Linear.weight, and the same as
 * Keras's Dense.kernel.)
 *
 * Concatenated inputs cost nothing: for X = [H₁ H₂], X·W = H₁·W₁ + H₂·W₂ where
 * W₁, W₂ are the row blocks of W, each contiguous. The first product is written
 * (beta = 0), the next ones accumulate (beta = 1), the last one applies the bias
 * and the activation in the GEMM's store.
 */
import type { Arena, Tensor } from '../kernels/arena.js';
import { Act, type ActCode, type Kernels } from '../kernels/types.js';
import type { Rng } from '../rng.js';
import { type DenseSpec, type Init, type NetworkSpec, validateSpec } from './spec.js';

/** One entry of the layout table (offsets in floats from the start of the block). */
export interface TensorLayout {
  readonly name: string;
  readonly offset: number;
  /** [fanIn, fanOut] for weights, [units] for biases. */
  readonly shape: readonly number[];
}

interface Source {
  /** Index of the network input, or −1 when the source is a layer. */
  readonly input: number;
  /** Index of the producing layer, or −1. */
  readonly layer: number;
  readonly width: number;
  /** First row of this source's block of W. */
  readonly row: number;
}

interface Layer {
  readonly name: string;
  readonly spec: DenseSpec;
  readonly units: number;
  readonly fanIn: number;
  readonly act: ActCode;
  readonly scale: number;
  readonly sources: readonly Source[];
  readonly wOff: number;
  readonly bOff: number;
  /** True when backprop from this layer can reach an input whose gradient is wanted. */
  reachesGradInput: boolean;
  out: Tensor;
  dOut: Tensor | null;
}

export interface NetworkOptions {
  /** Largest batch forward/backward will see (sizes the activation buffers). */
  readonly maxBatch: number;
  /** Allocate gradients and backward buffers (false for target networks). Default true. */
  readonly trainable?: boolean;
  /** Per input: allocate a buffer for ∂L/∂input (the critic's action input in DDPG). */
  readonly inputGrads?: readonly boolean[];
  /** Name used in error messages and block names. Default 'network'. */
  readonly name?: string;
}

const PAD = 16; // floats: 64-byte alignment of every tensor inside a block
const padUp = (n: number): number => Math.ceil(n / PAD) * PAD;
const ACT_CODES: Record<string, ActCode> = Act;

/** A dense network with manual backprop: parameters, gradients and activations in its agent's arena. */
export class Network {
  readonly spec: NetworkSpec;
  readonly name: string;
  readonly kernels: Kernels;
  readonly maxBatch: number;
  readonly trainable: boolean;
  /** Floats in the parameter block (including alignment padding). */
  readonly size: number;
  readonly layout: readonly TensorLayout[];
  readonly params: Tensor;
  readonly grads: Tensor | null;
  /** Per input: ∂L/∂input buffer (maxBatch × width), or null. */
  readonly inputGrad: readonly (Tensor | null)[];
  readonly inputWidths: readonly number[];
  readonly outputWidth: number;
  private readonly layers: Layer[];
  private readonly arena: Arena;
  private readonly inPtr: number[];
  private heapView: Float32Array | null = null;
  private layoutKeyCache: string | null = null;

  constructor(arena: Arena, spec: NetworkSpec, options: NetworkOptions) {
    const name = options.name ?? 'network';
    validateSpec(spec, name);
    const mb = options.maxBatch;
    if (!Number.isInteger(mb) || mb < 1 || mb > 1 << 20) {
      throw new RangeError(`${name}: maxBatch must be an integer in [1, 1048576], got ${String(mb)}`);
    }
    this.spec = spec;
    this.name = name;
    this.arena = arena;
    this.kernels = arena.kernels;
    this.maxBatch = mb;
    this.trainable = options.trainable ?? true;
    this.inputWidths = [...spec.inputs];
    this.inPtr = spec.inputs.map(() => 0);
    const { layers, layout, size } = buildLayers(spec);
    this.layers = layers;
    this.layout = layout;
    this.size = size;
    this.outputWidth = layers[layers.length - 1]!.units;
    this.params = arena.alloc(`${name}.params`, size);
    this.grads = this.trainable ? arena.alloc(`${name}.grads`, size) : null;
    const wantGrad = spec.inputs.map((_, i) => this.trainable && (options.inputGrads?.[i] ?? false));
    this.inputGrad = spec.inputs.map((w, i) => (wantGrad[i] ? arena.alloc(`${name}.dInput${i}`, mb * w) : null));
    for (const L of layers) {
      L.out = arena.alloc(`${name}.${L.name}.out`, mb * L.units);
      // The GEMM packs k×8 panels of B: forward Y = X·W has k = each source's
      // width, dW = Xᵀ·dZ has k = batch, dX = dZ·Wᵀ has k = units.
      arena.requireScratch(Math.max(...L.sources.map((s) => s.width)));
      if (this.trainable) {
        L.dOut = arena.alloc(`${name}.${L.name}.dOut`, mb * L.units);
        arena.requireScratch(Math.max(L.units, mb));
      }
      L.reachesGradInput = L.sources.some((s) => (s.input >= 0 ? wantGrad[s.input]! : layers[s.layer]!.reachesGradInput));
    }
  }

  /** Number of real parameters (without padding). */
  get parameterCount(): number {
    return this.layers.reduce((n, L) => n + L.fanIn * L.units + L.units, 0);
  }

  /** The output activations (maxBatch × outputWidth) of the last forward. */
  get output(): Tensor {
    return this.layers[this.layers.length - 1]!.out;
  }

  /** Byte offset of the output activations (batch × outputWidth) of the last forward. */
  get outputPtr(): number {
    return this.output.ptr;
  }

  /** Where the caller writes ∂L/∂output before backward() (maxBatch × outputWidth). */
  get outputGrad(): Tensor {
    const d = this.layers[this.layers.length - 1]!.dOut;
    if (d === null) throw new Error(`${this.name}: not trainable, it has no output gradient buffer`);
    return d;
  }

  /** Byte offset of outputGrad. */
  get outputGradPtr(): number {
    return this.outputGrad.ptr;
  }

  /** The whole memory as floats (index = byte offset / 4). Valid after arena.commit(). */
  heap(): Float32Array {
    if (this.heapView === null || this.heapView.buffer !== this.kernels.memory.buffer) this.heapView = this.arena.heap();
    return this.heapView;
  }

  // ── forward / backward ──────────────────────────────────────────────────────

  /**
   * Forward pass for `batch` rows. Inputs are byte offsets of row-major
   * batch × width matrices (for example the replay batch staging, or another
   * network's output). Keeps every layer's output for backward. Returns `output`.
   */
  forward(batch: number, x0: number, x1 = 0, x2 = 0): Tensor {
    this.checkBatch(batch);
    const inPtr = this.inPtr;
    inPtr[0] = x0;
    if (inPtr.length > 1) inPtr[1] = x1;
    if (inPtr.length > 2) inPtr[2] = x2;
    const K = this.kernels, p = this.params.ptr;
    for (const L of this.layers) {
      // Y = act(Σ_r X_r·W_r + b)·scale   (X = [X_1 … X_r] concatenated)
      const last = L.sources.length - 1;
      for (let r = 0; r <= last; r++) {
        const s = L.sources[r]!;
        const x = s.input >= 0 ? inPtr[s.input]! : this.layers[s.layer]!.out.ptr;
        const w = p + (L.wOff + s.row * L.units) * 4;
        if (r < last) K.gemmEx(0, 0, batch, L.units, s.width, 1, x, w, r === 0 ? 0 : 1, L.out.ptr, 0, Act.identity, 1);
        else K.gemmEx(0, 0, batch, L.units, s.width, 1, x, w, r === 0 ? 0 : 1, L.out.ptr, p + L.bOff * 4, L.act, L.scale);
      }
    }
    return this.output;
  }

  /**
   * Backward pass for the last forward(). The caller has written ∂L/∂Y at
   * outputGradPtr. With `params`, overwrites the gradient block with ∂L/∂θ;
   * without, computes only what the wanted input gradients need (the DDPG actor
   * step wants ∂Q/∂a and nothing else). Input gradients land in inputGrad[i].
   */
  backward(batch: number, params = true): void {
    this.checkBatch(batch);
    if (this.grads === null) throw new Error(`${this.name}: not trainable (created with trainable: false)`);
    const K = this.kernels, p = this.params.ptr, g = this.grads.ptr;
    for (let li = this.layers.length - 1; li >= 0; li--) {
      const L = this.layers[li]!;
      if (!params && !L.reachesGradInput) continue;
      const n = batch * L.units, dz = L.dOut!.ptr;
      // dZ = dY ⊙ act′(Z), from the saved outputs, in place
      if (L.act !== Act.identity || L.scale !== 1) K.actBackward(n, dz, L.out.ptr, L.act, L.scale, dz);
      // db = Σ_rows dZ
      if (params) K.colSum(batch, L.units, dz, 0, g + L.bOff * 4);
      for (const s of L.sources) {
        const x = s.input >= 0 ? this.inPtr[s.input]! : this.layers[s.layer]!.out.ptr;
        const wr = (L.wOff + s.row * L.units) * 4;
        // dW_r = X_rᵀ·dZ
        if (params) K.gemm(1, 0, s.width, L.units, batch, 1, x, dz, 0, g + wr);
        // dX_r = dZ·W_rᵀ   (only where someone needs it)
        const dx = s.input >= 0 ? (this.inputGrad[s.input]?.ptr ?? 0) : this.layers[s.layer]!.dOut!.ptr;
        const needed = s.input >= 0 ? dx !== 0 : params || this.layers[s.layer]!.reachesGradInput;
        if (needed) K.gemm(0, 1, batch, s.width, L.units, 1, dz, p + wr, 0, dx);
      }
    }
  }

  private checkBatch(batch: number): void {
    if (!(batch >= 1 && batch <= this.maxBatch && (batch | 0) === batch)) {
      throw new RangeError(`${this.name}: batch must be an integer in [1, ${this.maxBatch}] (maxBatch), got ${batch}`);
    }
  }

  // ── parameters ─────────────────────────────────────────────────────────────

  /**
   * Initialises the parameters from `rng`: per layer in order, W (row-major,
   * fanIn × fanOut) then b, each with its spec's initialiser.
   */
  init(rng: Rng): void {
    const h = this.heap(), base = this.params.ptr >> 2;
    h.fill(0, base, base + this.size);
    for (const L of this.layers) {
      fillInit(h, base + L.wOff, L.fanIn * L.units, L.spec.kernelInit ?? 'glorot-uniform', L.fanIn, L.units, rng);
      fillInit(h, base + L.bOff, L.units, L.spec.biasInit ?? 'zeros', L.fanIn, L.units, rng);
    }
  }

  /** A copy of the parameter block (layout order, with padding). */
  getParams(out?: Float32Array): Float32Array {
    const dst = out ?? new Float32Array(this.size);
    if (dst.length !== this.size) throw new RangeError(`${this.name}.getParams: out must have ${this.size} floats, got ${dst.length}`);
    dst.set(this.heap().subarray(this.params.ptr >> 2, (this.params.ptr >> 2) + this.size));
    return dst;
  }

  /** Overwrites the parameter block; refuses a wrong length or any value that is not finite in float32 (nothing is written then). */
  setParams(src: ArrayLike<number>): void {
    if (src.length !== this.size) throw new RangeError(`${this.name}.setParams: expected ${this.size} floats, got ${src.length}`);
    for (let i = 0; i < src.length; i++) {
      // fround: a finite double beyond ±3.4028234663852886e38 would become ±Infinity in float32.
      if (!Number.isFinite(Math.fround(src[i]!))) {
        throw new RangeError(`${this.name}.setParams: value ${i} is ${src[i]} (must be finite in float32, |v| < 3.4028235677973366e38)`);
      }
    }
    this.heap().set(src, this.params.ptr >> 2);
  }

  /** A copy of the gradient block (same layout as the parameters). */
  getGrads(): Float32Array {
    if (this.grads === null) throw new Error(`${this.name}: not trainable`);
    const b = this.grads.ptr >> 2;
    return this.heap().slice(b, b + this.size);
  }

  /** Copies the parameters of a network with the same layout (target initialisation). */
  copyFrom(src: Network): void {
    this.checkSameLayout(src);
    this.kernels.copy(this.size, src.params.ptr, this.params.ptr);
  }

  /** Polyak averaging θ′ ← τ·θ + (1 − τ)·θ′ with θ from `src`. */
  polyakFrom(src: Network, tau: number): void {
    this.checkSameLayout(src);
    this.kernels.polyak(this.size, src.params.ptr, this.params.ptr, tau);
  }

  /** True when every parameter is finite. */
  paramsFinite(): boolean {
    return this.kernels.allFinite(this.size, this.params.ptr) === 1;
  }

  /** The layout as one string, computed once (polyakFrom runs every update and must not allocate). */
  private get layoutKey(): string {
    return (this.layoutKeyCache ??= JSON.stringify(this.layout));
  }

  private checkSameLayout(src: Network): void {
    if (src.kernels !== this.kernels || src.size !== this.size || src.layoutKey !== this.layoutKey) {
      throw new RangeError(`${this.name}: ${src.name} has a different layout or memory`);
    }
  }
}

/** The layout table and parameter-block size (floats, padding included) a spec produces, without building a network. */
export function networkLayout(spec: NetworkSpec, name = 'network'): { readonly layout: readonly TensorLayout[]; readonly size: number } {
  validateSpec(spec, name);
  const { layout, size } = buildLayers(spec);
  return { layout, size };
}

function buildLayers(spec: NetworkSpec): { layers: Layer[]; layout: TensorLayout[]; size: number } {
  const layers: Layer[] = [];
  const layout: TensorLayout[] = [];
  let size = 0;
  const add = (name: string, d: DenseSpec, sources: Source[]): number => {
    const fanIn = sources.reduce((n, s) => n + s.width, 0);
    const wOff = size;
    size += padUp(fanIn * d.units);
    const bOff = size;
    size += padUp(d.units);
    layout.push({ name: `${name}.W`, offset: wOff, shape: [fanIn, d.units] }, { name: `${name}.b`, offset: bOff, shape: [d.units] });
    const dummy = { name: '', ptr: 0, length: 0 } as Tensor; // replaced by the arena block in the constructor
    layers.push({
      name, spec: d, units: d.units, fanIn, act: ACT_CODES[d.activation ?? 'identity']!, scale: d.scale ?? 1,
      sources, wOff, bOff, reachesGradInput: false, out: dummy, dOut: null,
    });
    return layers.length - 1;
  };
  const trunkIn: Source[] = [];
  let row = 0;
  spec.inputs.forEach((width, i) => {
    const branch = spec.branches?.[i] ?? [];
    let src: Source = { input: i, layer: -1, width, row: 0 };
    branch.forEach((d, j) => {
      const li = add(`branch${i}.${j}`, d, [src]);
      src = { input: -1, layer: li, width: d.units, row: 0 };
    });
    trunkIn.push({ ...src, row });
    row += src.width;
  });
  let sources = trunkIn;
  spec.layers.forEach((d, j) => {
    const li = add(`layers.${j}`, d, sources);
    sources = [{ input: -1, layer: li, width: d.units, row: 0 }];
  });
  return { layers, layout, size };
}

function fillInit(h: Float32Array, at: number, n: number, init: Init, fanIn: number, fanOut: number, rng: Rng): void {
  let limit: number;
  if (init === 'zeros') return;
  if (init === 'glorot-uniform') limit = Math.sqrt(6 / (fanIn + fanOut)); // Glorot & Bengio 2010, Keras default
  else if (init === 'fan-in-uniform') limit = 1 / Math.sqrt(fanIn); // Lillicrap et al. 2015, §7
  else limit = init.uniform;
  for (let i = 0; i < n; i++) h[at + i] = rng.uniform(-limit, limit);
}
