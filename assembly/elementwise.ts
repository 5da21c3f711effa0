// Element-wise kernels over flat f32 blocks. Each one is a single pass, SIMD over
// four lanes with a scalar tail, and performs, per element, exactly the operation
// sequence of its twin in src/kernels/reference.ts (so both give the same bits).

import { ACT_RELU, ACT_TANH } from "./gemm";

/** dst[i] = src[i] for n floats (regions may overlap). */
export function copy(n: i32, src: usize, dst: usize): void {
  memory.copy(dst, src, <usize>n << 2);
}

/** dst[i] = value. */
export function fill(n: i32, dst: usize, value: f32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v);
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), value);
}

/** x[i] = alpha·x[i]. */
export function scale(n: i32, x: usize, alpha: f32): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = x + (<usize>i << 2);
    v128.store(p, f32x4.mul(va, v128.load(p)));
  }
  for (; i < n; i++) {
    const p = x + (<usize>i << 2);
    store<f32>(p, alpha * load<f32>(p));
  }
}

/** y[i] = alpha·x[i] + y[i]. */
export function axpy(n: i32, alpha: f32, x: usize, y: usize): void {
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(f32x4.mul(va, v128.load(x + o)), v128.load(y + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, alpha * load<f32>(x + o) + load<f32>(y + o));
  }
}

/**
 * Activation backward from the saved outputs y = scale·act(z):
 * out = dy ⊙ act′(z). ReLU: dy if y > 0 else 0. tanh: dy·((1 − t²)·scale) with
 * t = y/scale (t = y when scale is 1). Identity: dy·scale. out may alias dy.
 */
export function actBackward(n: i32, dy: usize, y: usize, act: i32, actScale: f32, out: usize): void {
  let i = 0;
  if (act == ACT_RELU) {
    const zero = f32x4.splat(0);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, v128.and(v128.load(dy + o), f32x4.gt(v128.load(y + o), zero)));
    }
    for (; i < n; i++) {
      const o = <usize>i << 2;
      store<f32>(out + o, load<f32>(y + o) > 0 ? load<f32>(dy + o) : 0);
    }
  } else if (act == ACT_TANH) {
    for (; i < n; i++) {
      const o = <usize>i << 2;
      let t = load<f32>(y + o);
      if (actScale != 1) t = t / actScale;
      store<f32>(out + o, load<f32>(dy + o) * ((1 - t * t) * actScale));
    }
  } else {
    for (; i < n; i++) {
      const o = <usize>i << 2;
      store<f32>(out + o, load<f32>(dy + o) * actScale);
    }
  }
}

/** out[j] = Σ_i x[i][j] (+ beta·out[j] when beta ≠ 0), x is m×n row-major; i ascending. */
export function colSum(m: i32, n: i32, x: usize, beta: f32, out: usize): void {
  const ld = <usize>n << 2;
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    let s = f32x4.splat(0);
    let p = x + (<usize>j << 2);
    for (let i = 0; i < m; i++) {
      s = f32x4.add(s, v128.load(p));
      p += ld;
    }
    const o = out + (<usize>j << 2);
    if (beta != 0) s = f32x4.add(s, f32x4.mul(f32x4.splat(beta), v128.load(o)));
    v128.store(o, s);
  }
  for (; j < n; j++) {
    let s: f32 = 0;
    let p = x + (<usize>j << 2);
    for (let i = 0; i < m; i++) {
      s = s + load<f32>(p);
      p += ld;
    }
    const o = out + (<usize>j << 2);
    if (beta != 0) s = s + beta * load<f32>(o);
    store<f32>(o, s);
  }
}

/**
 * One Adam step over a flat block (Kingma & Ba 2015, Alg. 1, in the form of
 * their §2 last paragraph):
 *   g ← g + wd·θ                 (L2 weight decay, skipped when wd = 0)
 *   m ← β1·m + (1−β1)·g
 *   v ← β2·v + (1−β2)·(g·g)
 *   θ ← θ − α_t·m / (√v + ε̂)
 * The caller folds the bias correction into α_t = lr·√(1−β2^t)/(1−β1^t) and picks
 * ε̂ (Keras: ε̂ = ε; PyTorch: ε̂ = ε·√(1−β2^t)). (1−β) is computed in f32.
 */
export function adam(n: i32, p: usize, g: usize, m: usize, v: usize,
                     beta1: f32, beta2: f32, alphaT: f32, epsHat: f32, wd: f32): void {
  const omb1: f32 = 1 - beta1;
  const omb2: f32 = 1 - beta2;
  const vb1 = f32x4.splat(beta1), vb2 = f32x4.splat(beta2);
  const vo1 = f32x4.splat(omb1), vo2 = f32x4.splat(omb2);
  const va = f32x4.splat(alphaT), ve = f32x4.splat(epsHat), vwd = f32x4.splat(wd);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const th = v128.load(p + o);
    let gr = v128.load(g + o);
    if (wd != 0) gr = f32x4.add(gr, f32x4.mul(vwd, th));
    const mm = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(vo1, gr));
    const vv = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(vo2, f32x4.mul(gr, gr)));
    v128.store(m + o, mm);
    v128.store(v + o, vv);
    v128.store(p + o, f32x4.sub(th, f32x4.div(f32x4.mul(va, mm), f32x4.add(f32x4.sqrt(vv), ve))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const th = load<f32>(p + o);
    let gr = load<f32>(g + o);
    if (wd != 0) gr = gr + wd * th;
    const mm = beta1 * load<f32>(m + o) + omb1 * gr;
    const vv = beta2 * load<f32>(v + o) + omb2 * (gr * gr);
    store<f32>(m + o, mm);
    store<f32>(v + o, vv);
    store<f32>(p + o, th - (alphaT * mm) / (Mathf.sqrt(vv) + epsHat));
  }
}

/** Polyak averaging θ′ ← τ·θ + (1−τ)·θ′, with (1−τ) computed in f32. */
export function polyak(n: i32, src: usize, dst: usize, tau: f32): void {
  const omt: f32 = 1 - tau;
  const vt = f32x4.splat(tau), vo = f32x4.splat(omt);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, f32x4.add(f32x4.mul(vt, v128.load(src + o)), f32x4.mul(vo, v128.load(dst + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dst + o, tau * load<f32>(src + o) + omt * load<f32>(dst + o));
  }
}

/**
 * 1 when every |g_i + wd·θ_i| < bound (NaN fails), else 0. Adam's guard, run
 * before its step: with bound 2^63 the squared gradient of its second moment
 * cannot overflow float32, so a refused step has written nothing.
 */
export function gradBounded(n: i32, p: usize, g: usize, wd: f32, bound: f32): i32 {
  const vb = f32x4.splat(bound), vwd = f32x4.splat(wd);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    let gr = v128.load(g + o);
    if (wd != 0) gr = f32x4.add(gr, f32x4.mul(vwd, v128.load(p + o)));
    if (!i32x4.all_true(f32x4.lt(f32x4.abs(gr), vb))) return 0; // lt is false for NaN
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    let gr = load<f32>(g + o);
    if (wd != 0) gr = gr + wd * load<f32>(p + o);
    if (!(Mathf.abs(gr) < bound)) return 0;
  }
  return 1;
}

/** 1 if every one of n floats is finite, else 0 (for NaN/∞ guards). */
export function allFinite(n: i32, x: usize): i32 {
  for (let i = 0; i < n; i++) {
    const b = load<u32>(x + (<usize>i << 2));
    if ((b & 0x7f800000) == 0x7f800000) return 0;
  }
  return 1;
}
