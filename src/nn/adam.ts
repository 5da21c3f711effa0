/**
 * Adam (Kingma & Ba 2015) over a network's (or any Trainable's) flat parameter block, moments in the
 * arena with the parameters' layout: one kernel call per step.
 *
 * The bias correction is folded into the step size as in the paper's §2 (last
 * paragraph): α_t = lr·√(1−β2^t)/(1−β1^t), θ ← θ − α_t·m/(√v + ε̂).
 * Keras (the notebook) uses exactly this form with ε̂ = ε = 1e-7. PyTorch divides
 * by (√v̂ + ε) instead, which is the same update with ε̂ = ε·√(1−β2^t) and ε = 1e-8.
 * β^t is kept as a running product (no Math.pow on the training path).
 */
import type { Arena, Block, Tensor } from '../kernels/arena.js';
import type { Kernels } from '../kernels/types.js';
import { showValue } from '../show.js';

/**
 * What Adam moves: a parameter block and a gradient block of the same size in
 * one kernel memory. A Network is one; so is a free parameter vector such as
 * SAC's log α.
 */
export interface Trainable {
  readonly name: string;
  readonly kernels: Kernels;
  /** Floats in the parameter block. */
  readonly size: number;
  readonly params: Block;
  /** null: not trainable (Adam refuses it). */
  readonly grads: Block | null;
}

export interface AdamOptions {
  /** Learning rate (step size α), > 0. */
  readonly lr: number;
  /** Default 0.9 (Kingma & Ba; Keras; PyTorch). */
  readonly beta1?: number;
  /** Default 0.999. */
  readonly beta2?: number;
  /** Default 1e-7 (Keras); PyTorch uses 1e-8. */
  readonly eps?: number;
  /** Where ε enters: 'keras' (ε̂ = ε, default) or 'pytorch' (ε added to √v̂). */
  readonly epsMode?: 'keras' | 'pytorch';
  /** L2 penalty coefficient added to the gradient (g + wd·θ). Default 0. */
  readonly weightDecay?: number;
}

/** Largest |gradient| a step accepts: g² < 2^126 stays finite in float32 (max ≈ 2^128), and so does v. */
const GRAD_BOUND = 2 ** 63;

export interface AdamState {
  readonly t: number;
  readonly beta1Power: number;
  readonly beta2Power: number;
}

function check(v: unknown, field: string, lo: number, hi: number, openLo: boolean, openHi: boolean): number {
  const ok = typeof v === 'number' && Number.isFinite(v) && (openLo ? v > lo : v >= lo) && (openHi ? v < hi : v <= hi);
  if (!ok) throw new RangeError(`${field} must be a finite number in ${openLo ? '(' : '['}${lo}, ${hi}${openHi ? ')' : ']'}, got ${showValue(v)}`);
  return v as number;
}

/** Adam (Kingma & Ba 2015) over one Trainable's flat parameter block: one kernel call per step. */
export class Adam {
  readonly net: Trainable;
  readonly m: Tensor;
  readonly v: Tensor;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly epsMode: 'keras' | 'pytorch';
  readonly weightDecay: number;
  private readonly field: string;
  private rate: number;
  private t = 0;
  private b1t = 1;
  private b2t = 1;

  constructor(arena: Arena, net: Trainable, options: AdamOptions, field = 'adam') {
    this.field = field;
    this.rate = check(options.lr, `${field}.lr`, 0, Infinity, true, true);
    this.beta1 = check(options.beta1 ?? 0.9, `${field}.beta1`, 0, 1, false, true);
    this.beta2 = check(options.beta2 ?? 0.999, `${field}.beta2`, 0, 1, false, true);
    this.eps = check(options.eps ?? 1e-7, `${field}.eps`, 0, Infinity, true, true);
    this.weightDecay = check(options.weightDecay ?? 0, `${field}.weightDecay`, 0, Infinity, false, true);
    const mode = options.epsMode ?? 'keras';
    if (mode !== 'keras' && mode !== 'pytorch') throw new RangeError(`${field}.epsMode must be 'keras' or 'pytorch', got ${showValue(mode)}`);
    this.epsMode = mode;
    if (net.grads === null) throw new Error(`${field}: ${net.name} is not trainable`);
    this.net = net;
    this.m = arena.alloc(`${net.name}.adam.m`, net.size);
    this.v = arena.alloc(`${net.name}.adam.v`, net.size);
  }

  /**
   * The learning rate. Settable (a schedule), with the constructor's check
   * except that 0 is allowed (a linear schedule's end); a checkpoint stores the
   * configured rate, not a changed one.
   */
  get lr(): number {
    return this.rate;
  }

  set lr(v: number) {
    this.rate = check(v, `${this.field}.lr`, 0, Infinity, false, true);
  }

  /** Steps taken so far. */
  get steps(): number {
    return this.t;
  }

  /**
   * One update of the parameters from their gradient block. Refused, before
   * anything is written, when a gradient (with weight decay) is not finite or
   * so large (|g| ≥ 2^63) that g² would overflow the second moment: the
   * parameters and moments stay as they were, and the error says what to do.
   */
  step(): void {
    this.check();
    this.apply();
  }

  /**
   * Steps several optimisers as one: every gradient is checked before any is
   * applied, so a refusal leaves all of them (e.g. TD3's two critics) as they were.
   */
  static stepAll(optims: readonly Adam[]): void {
    for (const o of optims) o.check();
    for (const o of optims) o.apply();
  }

  /** Throws step()'s refusal when the gradient block would poison the moments. */
  private check(): void {
    const n = this.net;
    if (n.kernels.gradBounded(n.size, n.params.ptr, n.grads!.ptr, this.weightDecay, GRAD_BOUND) !== 1) {
      throw new RangeError(`${n.name}: a gradient is not finite or beyond ±2^63 at Adam step ${this.t + 1}, so the step was not applied ` +
        `(its square would overflow float32). The losses are too large: scale the rewards down, or lower ${this.field}`);
    }
  }

  /** The step itself, on a checked gradient. */
  private apply(): void {
    const n = this.net;
    this.t++;
    // The kernel runs with float32 β (wasm f32 parameters), so the powers use
    // the same float32 values (as Keras, whose β and β^t are float32 tensors).
    this.b1t *= Math.fround(this.beta1);
    this.b2t *= Math.fround(this.beta2);
    const c2 = Math.sqrt(1 - this.b2t);
    const alphaT = (this.lr * c2) / (1 - this.b1t);
    const epsHat = this.epsMode === 'keras' ? this.eps : this.eps * c2;
    n.kernels.adam(n.size, n.params.ptr, n.grads!.ptr, this.m.ptr, this.v.ptr, this.beta1, this.beta2, alphaT, epsHat, this.weightDecay);
  }

  getState(): AdamState {
    return { t: this.t, beta1Power: this.b1t, beta2Power: this.b2t };
  }

  setState(s: AdamState): void {
    if (!Number.isInteger(s?.t) || s.t < 0) throw new RangeError(`adam state t must be a non-negative integer, got ${String(s?.t)}`);
    check(s.beta1Power, 'adam state beta1Power', 0, 1, false, false);
    check(s.beta2Power, 'adam state beta2Power', 0, 1, false, false);
    this.t = s.t;
    this.b1t = s.beta1Power;
    this.b2t = s.beta2Power;
  }
}
