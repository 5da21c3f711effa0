// GEMM for row-major f32 matrices, in BLAS vocabulary:
//
//   C[m×n] = epilogue( alpha · op(A)·op(B) + beta · C )
//
// op(A) is m×k (stored m×k, or k×m when transA), op(B) is k×n (stored k×n, or
// n×k when transB). The three layouts backprop needs:
//   forward   Y  = X·W      gemm(0, 0, ...)
//   weights   dW = Xᵀ·dY    gemm(1, 0, ...)
//   input     dX = dY·Wᵀ    gemm(0, 1, ...)  (B is packed into 8-wide panels first)
//
// Determinism: every output element is Σ_p a_ip·b_pj summed in increasing p,
// one rounding after each multiply and each add (no FMA, no split of k), in every
// code path: the 4×8 tile, the 1×8 / 4×4 / 1×4 tails and the scalar columns all
// give the same bits as the plain loop in src/kernels/reference.ts.

import { tanhf } from "./math";

export const ACT_IDENTITY: i32 = 0;
export const ACT_RELU: i32 = 1;
export const ACT_TANH: i32 = 2;

// c + a·b. The default build rounds twice (mul, then add): IEEE-exact on every
// engine and CPU. The opt-in fast build (asconfig target "fast", relaxed SIMD)
// may fuse it into one FMA, whose bits depend on the hardware.
@inline
function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

// Scratch for packing op(B) panels in the transB layout. Set once by the arena
// (src/kernels/arena.ts) after it has planned memory; kernels never allocate.
let packPtr: usize = 0;
let packBytes: usize = 0;

export function setScratch(ptr: usize, bytes: usize): void {
  packPtr = ptr;
  packBytes = bytes;
}

export function scratchBytes(): usize {
  return packBytes;
}

// Epilogue parameters live in globals for the duration of one call so the
// micro-kernels stay at a readable number of arguments (they are inlined anyway).
let eAlpha: f32 = 1;
let eBeta: f32 = 0;
let eBias: usize = 0;
let eAct: i32 = 0;
let eScale: f32 = 1;
// True when the epilogue is the identity (alpha 1, beta 0, no bias, no
// activation, scale 1): the tile then just stores its accumulators. Multiplying
// by 1 is exact, so skipping it changes no bits.
let ePlain: bool = true;

// z = alpha·acc; z += beta·c (only when beta ≠ 0: BLAS never reads C then);
// z += bias[j]; z = act(z); z *= scale. Same order as reference.ts.
@inline
function finish1(acc: f32, c: usize, j: i32): void {
  let z: f32 = eAlpha * acc;
  if (eBeta != 0) z = z + eBeta * load<f32>(c);
  if (eBias != 0) z = z + load<f32>(eBias + (<usize>j << 2));
  if (eAct == ACT_RELU) z = z > 0 ? z : 0;
  else if (eAct == ACT_TANH) z = tanhf(z);
  store<f32>(c, z * eScale);
}

@inline
function finish4(acc: v128, c: usize, j: i32): void {
  if (ePlain) {
    v128.store(c, acc);
    return;
  }
  if (eAct == ACT_TANH) {
    tanh4(acc, c, j);
    return;
  }
  // (×1 is exact, so the unit alpha/scale skips below change no bits.)
  let z = eAlpha == 1 ? acc : f32x4.mul(f32x4.splat(eAlpha), acc);
  if (eBeta != 0) z = madd(f32x4.splat(eBeta), v128.load(c), z);
  if (eBias != 0) z = f32x4.add(z, v128.load(eBias + (<usize>j << 2)));
  if (eAct == ACT_RELU) {
    // z > 0 ? z : 0, exactly as the scalar path (maps NaN to 0 like it does).
    z = v128.and(z, f32x4.gt(z, f32x4.splat(0)));
  }
  v128.store(c, eScale == 1 ? z : f32x4.mul(z, f32x4.splat(eScale)));
}

// tanh has no SIMD form: the lanes one by one (still the same order), out of
// line (four tanhf calls dwarf a call; inlined at every tile they were most of
// the module's size).
function tanh4(acc: v128, c: usize, j: i32): void {
  finish1(f32x4.extract_lane(acc, 0), c, j);
  finish1(f32x4.extract_lane(acc, 1), c + 4, j + 1);
  finish1(f32x4.extract_lane(acc, 2), c + 8, j + 2);
  finish1(f32x4.extract_lane(acc, 3), c + 12, j + 3);
}

// The micro-kernel: a 4×8 tile of C in 8 f32x4 accumulators. Per p: two vector
// loads of B and four broadcast loads of A. 8 accumulators + 2 B + 1 A = 11 of
// the 16 xmm registers V8 gives us; a 6×8 tile (15 + 3) spills (ARCHITECTURE.md).
// a: address of op(A)[i][0]; ars/aps: byte strides between rows / between p.
// b: address of op(B)[0][j]; bps: byte stride between p rows of B.
@inline
function tile4x8(a: usize, ars: usize, aps: usize, b: usize, bps: usize, k: i32, c: usize, ldc: usize, j: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let a0 = a, a1 = a + ars, a2 = a + 2 * ars, a3 = a + 3 * ars;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let x = v128.load32_splat(a0);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(a1);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(a2);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(a3);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    a0 += aps; a1 += aps; a2 += aps; a3 += aps;
    b += bps;
  }
  finish4(c00, c, j); finish4(c01, c + 16, j + 4); c += ldc;
  finish4(c10, c, j); finish4(c11, c + 16, j + 4); c += ldc;
  finish4(c20, c, j); finish4(c21, c + 16, j + 4); c += ldc;
  finish4(c30, c, j); finish4(c31, c + 16, j + 4);
}

@inline
function tile1x8(a: usize, aps: usize, b: usize, bps: usize, k: i32, c: usize, j: i32): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  for (let p = 0; p < k; p++) {
    const x = v128.load32_splat(a);
    c00 = madd(x, v128.load(b), c00);
    c01 = madd(x, v128.load(b, 16), c01);
    a += aps;
    b += bps;
  }
  finish4(c00, c, j); finish4(c01, c + 16, j + 4);
}

// One row × 32 columns in 8 accumulators: for the m < 4 case (the actor at
// batch 1 in act()), where a 1×8 tile would leave each add waiting on the last.
@inline
function tile1x32(a: usize, aps: usize, b: usize, bps: usize, k: i32, c: usize, j: i32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let c4 = f32x4.splat(0), c5 = f32x4.splat(0), c6 = f32x4.splat(0), c7 = f32x4.splat(0);
  for (let p = 0; p < k; p++) {
    const x = v128.load32_splat(a);
    c0 = madd(x, v128.load(b), c0);
    c1 = madd(x, v128.load(b, 16), c1);
    c2 = madd(x, v128.load(b, 32), c2);
    c3 = madd(x, v128.load(b, 48), c3);
    c4 = madd(x, v128.load(b, 64), c4);
    c5 = madd(x, v128.load(b, 80), c5);
    c6 = madd(x, v128.load(b, 96), c6);
    c7 = madd(x, v128.load(b, 112), c7);
    a += aps;
    b += bps;
  }
  finish4(c0, c, j); finish4(c1, c + 16, j + 4); finish4(c2, c + 32, j + 8); finish4(c3, c + 48, j + 12);
  finish4(c4, c + 64, j + 16); finish4(c5, c + 80, j + 20); finish4(c6, c + 96, j + 24); finish4(c7, c + 112, j + 28);
}

@inline
function tile4x4(a: usize, ars: usize, aps: usize, b: usize, bps: usize, k: i32, c: usize, ldc: usize, j: i32): void {
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
  let a0 = a, a1 = a + ars, a2 = a + 2 * ars, a3 = a + 3 * ars;
  for (let p = 0; p < k; p++) {
    const b0 = v128.load(b);
    c0 = madd(v128.load32_splat(a0), b0, c0);
    c1 = madd(v128.load32_splat(a1), b0, c1);
    c2 = madd(v128.load32_splat(a2), b0, c2);
    c3 = madd(v128.load32_splat(a3), b0, c3);
    a0 += aps; a1 += aps; a2 += aps; a3 += aps;
    b += bps;
  }
  finish4(c0, c, j); c += ldc;
  finish4(c1, c, j); c += ldc;
  finish4(c2, c, j); c += ldc;
  finish4(c3, c, j);
}

@inline
function tile1x4(a: usize, aps: usize, b: usize, bps: usize, k: i32, c: usize, j: i32): void {
  let c0 = f32x4.splat(0);
  for (let p = 0; p < k; p++) {
    c0 = madd(v128.load32_splat(a), v128.load(b), c0);
    a += aps;
    b += bps;
  }
  finish4(c0, c, j);
}

// Columns left over after the 8- and 4-wide panels (n mod 4 of them): one
// scalar dot product per element, same summation order.
function scalarColumn(a: usize, ars: usize, aps: usize, b: usize, bps: usize, m: i32, k: i32, c: usize, ldc: usize, j: i32): void {
  for (let i = 0; i < m; i++) {
    let s: f32 = 0;
    let ap = a, bp = b;
    for (let p = 0; p < k; p++) {
      s = s + load<f32>(ap) * load<f32>(bp);
      ap += aps;
      bp += bps;
    }
    finish1(s, c, j);
    a += ars;
    c += ldc;
  }
}

// One output column (the n mod 4 leftovers: the critic's 1-wide output). Rows
// go four at a time in one f32x4 so the four sums are independent, each still
// summed in increasing p. transA (rows contiguous at fixed p) loads them
// directly; the plain layout loads a 4×4 block of A and transposes it.
function column(a: usize, ars: usize, aps: usize, b: usize, bps: usize, m: i32, k: i32, c: usize, ldc: usize, j: i32): void {
  let i = 0;
  if (ars == 4) {
    for (; i + 4 <= m; i += 4) {
      let acc = f32x4.splat(0);
      let ap = a, bp = b;
      for (let p = 0; p < k; p++) {
        acc = madd(v128.load(ap), v128.load32_splat(bp), acc);
        ap += aps;
        bp += bps;
      }
      finishColumn(acc, c, ldc, j);
      a += 16;
      c += ldc << 2;
    }
  } else if (aps == 4) {
    for (; i + 4 <= m; i += 4) {
      const acc = column4(a, ars, b, bps, k);
      finishColumn(acc, c, ldc, j);
      a += ars << 2;
      c += ldc << 2;
    }
  }
  scalarColumn(a, ars, aps, b, bps, m - i, k, c, ldc, j);
}

// Σ_p A[i+r][p]·b[p] for r = 0..3 (rows ars bytes apart, contiguous in p).
@inline
function column4(a: usize, ars: usize, b: usize, bps: usize, k: i32): v128 {
  let acc = f32x4.splat(0);
  const r1 = a + ars, r2 = r1 + ars, r3 = r2 + ars;
  let o: usize = 0;
  let p = 0;
  for (; p + 4 <= k; p += 4) {
    const x0 = v128.load(a + o), x1 = v128.load(r1 + o), x2 = v128.load(r2 + o), x3 = v128.load(r3 + o);
    const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
    const t1 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
    const t2 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
    const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
    acc = madd(v128.shuffle<f32>(t0, t2, 0, 1, 4, 5), v128.load32_splat(b), acc);
    b += bps;
    acc = madd(v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), v128.load32_splat(b), acc);
    b += bps;
    acc = madd(v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), v128.load32_splat(b), acc);
    b += bps;
    acc = madd(v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), v128.load32_splat(b), acc);
    b += bps;
    o += 16;
  }
  for (; p < k; p++) {
    const x = f32x4(load<f32>(a + o), load<f32>(r1 + o), load<f32>(r2 + o), load<f32>(r3 + o));
    acc = madd(x, v128.load32_splat(b), acc);
    b += bps;
    o += 4;
  }
  return acc;
}

@inline
function finishColumn(acc: v128, c: usize, ldc: usize, j: i32): void {
  finish1(f32x4.extract_lane(acc, 0), c, j);
  finish1(f32x4.extract_lane(acc, 1), c + ldc, j);
  finish1(f32x4.extract_lane(acc, 2), c + 2 * ldc, j);
  finish1(f32x4.extract_lane(acc, 3), c + 3 * ldc, j);
}

// Row tiles for one column panel [j, j+w) where w is 8 or 4.
// b points at op(B)[0][j] (or at the packed panel), bps its p stride.
function panel(w: i32, a: usize, ars: usize, aps: usize, b: usize, bps: usize, m: i32, k: i32, c: usize, ldc: usize, j: i32): void {
  let i = 0;
  if (w == 8) {
    for (; i + 4 <= m; i += 4) {
      tile4x8(a, ars, aps, b, bps, k, c, ldc, j);
      a += ars << 2;
      c += ldc << 2;
    }
    for (; i < m; i++) {
      tile1x8(a, aps, b, bps, k, c, j);
      a += ars;
      c += ldc;
    }
  } else {
    for (; i + 4 <= m; i += 4) {
      tile4x4(a, ars, aps, b, bps, k, c, ldc, j);
      a += ars << 2;
      c += ldc << 2;
    }
    for (; i < m; i++) {
      tile1x4(a, aps, b, bps, k, c, j);
      a += ars;
      c += ldc;
    }
  }
}

// Copies an 8-wide column panel of a row-major matrix (row stride ld bytes,
// k rows) into dst as k×8 contiguous.
function packRows(b: usize, ld: usize, k: i32, dst: usize): void {
  for (let p = 0; p < k; p++) {
    v128.store(dst, v128.load(b));
    v128.store(dst, v128.load(b, 16), 16);
    b += ld;
    dst += 32;
  }
}

// Packs w (8 or 4) rows j..j+w of a row-major n×k matrix B into dst as k×w
// (dst[p·w + jj] = B[(j+jj)·k + p]), 4×4 blocks at a time with shuffles.
function packTransposed(b: usize, k: i32, w: i32, dst: usize): void {
  const ldb = <usize>k << 2;
  const ldp = <usize>w << 2;
  for (let r = 0; r < w; r += 4) {
    const r0 = b + <usize>r * ldb;
    const r1 = r0 + ldb, r2 = r1 + ldb, r3 = r2 + ldb;
    let d = dst + (<usize>r << 2);
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const off = <usize>p << 2;
      const x0 = v128.load(r0 + off), x1 = v128.load(r1 + off);
      const x2 = v128.load(r2 + off), x3 = v128.load(r3 + off);
      const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
      const t1 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
      const t2 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
      const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
      v128.store(d, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5)); d += ldp;
      v128.store(d, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7)); d += ldp;
      v128.store(d, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5)); d += ldp;
      v128.store(d, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7)); d += ldp;
    }
    for (; p < k; p++) {
      const off = <usize>p << 2;
      store<f32>(d, load<f32>(r0 + off));
      store<f32>(d, load<f32>(r1 + off), 4);
      store<f32>(d, load<f32>(r2 + off), 8);
      store<f32>(d, load<f32>(r3 + off), 12);
      d += ldp;
    }
  }
}

// The threads build (asconfig target "threads") only: the m and n of the whole call
// while gemmEx computes one block of it for gemmPart (they give the strides), else 0.
// The default build compiles gemmEx's own m and n instead (ASC_FEATURE_THREADS is false).
let wholeM: i32 = 0;
let wholeN: i32 = 0;

/**
 * C = act(alpha·op(A)·op(B) + beta·C + bias)·scale, row-major, contiguous.
 * bias = 0 means no bias; act 0 identity, 1 ReLU, 2 tanh. With transB the caller
 * must have set a scratch of at least 8·k floats (setScratch).
 */
export function gemmEx(
  transA: i32, transB: i32, m: i32, n: i32, k: i32,
  alpha: f32, a: usize, b: usize, beta: f32, c: usize,
  bias: usize, act: i32, scale: f32,
): void {
  eAlpha = alpha; eBeta = beta; eBias = bias; eAct = act; eScale = scale;
  ePlain = alpha == 1 && beta == 0 && bias == 0 && act == ACT_IDENTITY && scale == 1;
  // With k = 1, a stored n×k matrix is also k×n: skip the packing.
  if (k == 1) transB = 0;
  // The strides: the whole call's m and n (see wholeM).
  const wm: i32 = ASC_FEATURE_THREADS ? (wholeN != 0 ? wholeM : m) : m;
  const wn: i32 = ASC_FEATURE_THREADS ? (wholeN != 0 ? wholeN : n) : n;
  const ldc = <usize>wn << 2;
  // op(A)[i][p] at a + i·ars + p·aps
  const ars: usize = transA ? 4 : <usize>k << 2;
  const aps: usize = transA ? <usize>wm << 2 : 4;
  let j = 0;
  if (transB == 0) {
    // op(B)[p][j] at b + p·4n + 4j. Copy each 8-wide column panel into a
    // contiguous k×8 block first (when there are enough rows of A to reuse it):
    // the micro-kernel then streams 32 consecutive bytes per p instead of
    // touching a new cache line 4n bytes away (measured in bench/gemm.bench.ts).
    const bps = <usize>wn << 2;
    // Pack only with room for the k×8 panel (the arena sizes the scratch for
    // every GEMM the networks run; a caller with less still gets exact results).
    const pack = m >= 8 && n > 8 && (<usize>k << 5) <= packBytes;
    if (m < 4) {
      for (; j + 32 <= n; j += 32) {
        let ai = a, ci = c + (<usize>j << 2);
        for (let i = 0; i < m; i++, ai += ars, ci += ldc) tile1x32(ai, aps, b + (<usize>j << 2), bps, k, ci, j);
      }
    }
    for (; j + 8 <= n; j += 8) {
      const bj = b + (<usize>j << 2);
      if (pack) {
        packRows(bj, bps, k, packPtr);
        panel(8, a, ars, aps, packPtr, 32, m, k, c + (<usize>j << 2), ldc, j);
      } else panel(8, a, ars, aps, bj, bps, m, k, c + (<usize>j << 2), ldc, j);
    }
    if (j + 4 <= n) { panel(4, a, ars, aps, b + (<usize>j << 2), bps, m, k, c + (<usize>j << 2), ldc, j); j += 4; }
    for (; j < n; j++) column(a, ars, aps, b + (<usize>j << 2), bps, m, k, c + (<usize>j << 2), ldc, j);
  } else {
    // B is stored n×k: op(B)[p][j] = B[j][p]. Pack 8 (then 4) rows of B into a
    // k×8 panel so the same micro-kernel reads it with vector loads.
    const ldb = <usize>k << 2;
    if ((<usize>k << 5) > packBytes) {
      // No room to pack: one 4-row column kernel per output column (same sums, slower).
      for (; j < n; j++) column(a, ars, aps, b + <usize>j * ldb, 4, m, k, c + (<usize>j << 2), ldc, j);
      return;
    }
    for (; j + 8 <= n; j += 8) {
      packTransposed(b + <usize>j * ldb, k, 8, packPtr);
      panel(8, a, ars, aps, packPtr, 32, m, k, c + (<usize>j << 2), ldc, j);
    }
    if (j + 4 <= n) {
      packTransposed(b + <usize>j * ldb, k, 4, packPtr);
      panel(4, a, ars, aps, packPtr, 16, m, k, c + (<usize>j << 2), ldc, j);
      j += 4;
    }
    for (; j < n; j++) column(a, ars, aps, b + <usize>j * ldb, 4, m, k, c + (<usize>j << 2), ldc, j);
  }
}

/** Plain BLAS-style GEMM: C = alpha·op(A)·op(B) + beta·C. */
export function gemm(transA: i32, transB: i32, m: i32, n: i32, k: i32, alpha: f32, a: usize, b: usize, beta: f32, c: usize): void {
  gemmEx(transA, transB, m, n, k, alpha, a, b, beta, c, 0, ACT_IDENTITY, 1);
}

/**
 * Threads build: the block rows [i0, i1) × columns [j0, j1) of gemmEx's C, and
 * nothing else; src/kernels/threads.ts gives each thread its own block. Every
 * element is the same dot product, summed in the same p order, as in the whole
 * call (k is never split), so the blocks together are gemmEx's bits.
 */
export function gemmPart(
  transA: i32, transB: i32, m: i32, n: i32, k: i32,
  alpha: f32, a: usize, b: usize, beta: f32, c: usize,
  bias: usize, act: i32, scale: f32,
  i0: i32, i1: i32, j0: i32, j1: i32,
): void {
  const jb = <usize>j0 << 2;
  wholeM = m;
  wholeN = n;
  gemmEx(
    transA, transB, i1 - i0, j1 - j0, k, alpha,
    a + <usize>i0 * (transA ? 4 : <usize>k << 2),
    b + (transB ? <usize>j0 * (<usize>k << 2) : jb),
    beta, c + <usize>i0 * (<usize>n << 2) + jb, bias == 0 ? 0 : bias + jb, act, scale,
  );
  wholeN = 0;
}
