// Deterministic transcendental functions. AssemblyScript's Math/Mathf are ports
// of musl's libm written in plain wasm arithmetic, so unlike the engine's
// Math.sin/cos/exp/log/tanh (implementation-defined, they differ between V8,
// SpiderMonkey and JavaScriptCore) they give the same bits on every engine.
// The library calls these (through src/kernels/math.ts) wherever the training
// path needs a transcendental function.
//
// The same bits at every shrinkLevel. AssemblyScript's std picks some algorithms
// by the compile-time constant ASC_SHRINK_LEVEL (std/assembly/math.ts): at 0,
// which every hash was recorded with, Mathf.exp is the table-driven expf_lut; at
// ≥ 1 the classic table-free expf, which rounds differently (about 1 input in 11;
// SAC's weightsHash moved). So expf below calls expf_lut by name. The other
// level-dependent branch we reach, f64 sin/cos's n = ±1 argument reduction for
// π/4 < |x| < 3π/4, gave the same bits on every input tried, and the std functions
// the kernels also use (tanh, tanhf, expm1f, log1pf, sqrt) have one algorithm at
// every level. So the full modules (asconfig.json: release, threads) are built at
// shrinkLevel 1, about 100 bytes gzip smaller each at the same speed on every GEMM
// shape (level 2 saves 40 more but halves the 1-column kernels' speed; the
// GEMM-only policy and fast modules gain under 15 bytes and stay at 0;
// bench/RESULTS.md, "Size"). test/kernels/math-shrink.test.ts compiles these at
// shrinkLevel 0 and compares them bit for bit with the shipped module.
//
// exp and log (double) are the classic fdlibm/musl algorithms (musl
// src/math/exp.c and log.c before 2018, © Sun Microsystems, see the notice in
// AssemblyScript's std/assembly/math.ts), written out here instead of calling
// Math.exp/Math.log: at -O3 those are the newer table-driven versions whose
// 6.5 KB of tables (incompressible doubles) would be the largest part of the
// module once gzipped, and the module ships three times (a file, inlined
// base64, the fast build). The classic versions stay below 1 ulp of the truth
// (test/kernels/math.test.ts measures it). Nothing on the hot path calls them:
// Rng.normal (log), SAC's initial log α, and the public dmath.

// AssemblyScript 0.28.20's std/assembly/util/math.ts (musl expf.c, from ARM's
// optimized-routines): what Mathf.exp is at shrinkLevel 0.
import { expf_lut } from "~lib/util/math";

export function sin(x: f64): f64 { return Math.sin(x); }
export function cos(x: f64): f64 { return Math.cos(x); }
export function tanh(x: f64): f64 { return Math.tanh(x); }
export function tanhf(x: f32): f32 { return Mathf.tanh(x); }
/** float32 e^x: always the table-driven algorithm (Mathf.exp at shrinkLevel 0). No
 *  float32 log: nothing needs one, and Mathf.log's tables were 0.44 KB gzip of every
 *  shipped copy of the module. */
export function expf(x: f32): f32 { return expf_lut(x); }

const LN2_HI = reinterpret<f64>(0x3FE62E42FEE00000); // 6.93147180369123816490e-01
const LN2_LO = reinterpret<f64>(0x3DEA39EF35793C76); // 1.90821492927058770002e-10

/** e^x: reduce x = k·ln2 + r with |r| ≤ ln2/2, e^r by a rational approximation, scale by 2^k. */
export function exp(x: f64): f64 {
  const INV_LN2 = reinterpret<f64>(0x3FF71547652B82FE); // 1.44269504088896338700e+00
  const P1 = reinterpret<f64>(0x3FC555555555553E); //  1.66666666666666019037e-01
  const P2 = reinterpret<f64>(0xBF66C16C16BEBD93); // -2.77777777770155933842e-03
  const P3 = reinterpret<f64>(0x3F11566AAF25DE2C); //  6.61375632143793436117e-05
  const P4 = reinterpret<f64>(0xBEBBBD41C5D26BF1); // -1.65339022054652515390e-06
  const P5 = reinterpret<f64>(0x3E66376972BEA4D0); //  4.13813679705723846039e-08
  const OVERFLOW = reinterpret<f64>(0x40862E42FEFA39EF); //  709.782712893383973096
  const UNDERFLOW = reinterpret<f64>(0xC0874910D52D3051); // -745.13321910194110842
  const OX1P1023 = reinterpret<f64>(0x7FE0000000000000);

  let hx = <u32>(reinterpret<u64>(x) >> 32);
  const sign = <i32>(hx >> 31);
  hx &= 0x7FFFFFFF;
  if (hx >= 0x4086232B) { // |x| ≥ 708.39 or NaN
    if (x != x) return x;
    if (x > OVERFLOW) return x * OX1P1023; // +Infinity
    if (x < UNDERFLOW) return 0;
  }
  let hi: f64, lo: f64 = 0;
  let k = 0;
  if (hx > 0x3FD62E42) { // |x| > 0.5·ln2
    if (hx >= 0x3FF0A2B2) k = <i32>(INV_LN2 * x + copysign<f64>(0.5, x)); // |x| ≥ 1.5·ln2
    else k = 1 - (sign << 1);
    hi = x - k * LN2_HI;
    lo = k * LN2_LO;
    x = hi - lo;
  } else if (hx > 0x3E300000) { // |x| > 2^-28
    hi = x;
  } else {
    return 1.0 + x;
  }
  const xx = x * x;
  const x4 = xx * xx;
  const c = x - (xx * P1 + x4 * ((P2 + xx * P3) + x4 * (P4 + xx * P5)));
  const y = 1.0 + (x * c / (2 - c) - lo + hi);
  return k == 0 ? y : scalbn(y, k);
}

/** Natural log: x = 2^k·(1 + f) with √2/2 < 1 + f < √2, log(1 + f) via s = f/(2 + f). */
export function log(x: f64): f64 {
  const LG1 = reinterpret<f64>(0x3FE5555555555593); // 6.666666666666735130e-01
  const LG2 = reinterpret<f64>(0x3FD999999997FA04); // 3.999999999940941908e-01
  const LG3 = reinterpret<f64>(0x3FD2492494229359); // 2.857142874366239149e-01
  const LG4 = reinterpret<f64>(0x3FCC71C51D8E78AF); // 2.222219843214978396e-01
  const LG5 = reinterpret<f64>(0x3FC7466496CB03DE); // 1.818357216161805012e-01
  const LG6 = reinterpret<f64>(0x3FC39A09D078C69F); // 1.531383769920937332e-01
  const LG7 = reinterpret<f64>(0x3FC2F112DF3E5244); // 1.479819860511658591e-01
  const OX1P54 = reinterpret<f64>(0x4350000000000000);

  let u = reinterpret<u64>(x);
  let hx = <u32>(u >> 32);
  let k = 0;
  if ((hx >> 31) != 0 || hx < 0x00100000) { // x < 0, ±0 or subnormal
    if (u << 1 == 0) return -1 / (x * x); // log(±0) = −Infinity
    if ((hx >> 31) != 0) return (x - x) / 0.0; // log(x < 0) = NaN
    k -= 54; // subnormal: scale up
    x *= OX1P54;
    u = reinterpret<u64>(x);
    hx = <u32>(u >> 32);
  } else if (hx >= 0x7FF00000) {
    return x; // +Infinity or NaN
  } else if (hx == 0x3FF00000 && u << 32 == 0) {
    return 0; // log(1) = +0
  }
  hx += 0x3FF00000 - 0x3FE6A09E;
  k += <i32>(hx >> 20) - 0x3FF;
  hx = (hx & 0x000FFFFF) + 0x3FE6A09E;
  u = (<u64>hx << 32) | (u & 0xFFFFFFFF);
  x = reinterpret<f64>(u);
  const f = x - 1.0;
  const hfsq = 0.5 * f * f;
  const s = f / (2.0 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const r = t2 + t1;
  const dk = <f64>k;
  return s * (hfsq + r) + dk * LN2_LO - hfsq + f + dk * LN2_HI;
}

/** x·2^n without overflow or double rounding in the subnormal range (musl scalbn). */
function scalbn(x: f64, n: i32): f64 {
  const OX1P53 = reinterpret<f64>(0x4340000000000000);
  const OX1P1023 = reinterpret<f64>(0x7FE0000000000000);
  const OX1P_1022 = reinterpret<f64>(0x0010000000000000);
  let y = x;
  if (n > 1023) {
    y *= OX1P1023;
    n -= 1023;
    if (n > 1023) {
      y *= OX1P1023;
      n = min<i32>(n - 1023, 1023);
    }
  } else if (n < -1022) {
    y *= OX1P_1022 * OX1P53;
    n += 1022 - 53;
    if (n < -1022) {
      y *= OX1P_1022 * OX1P53;
      n = max<i32>(n + 1022 - 53, -1022);
    }
  }
  return y * reinterpret<f64>(<u64>(0x3FF + n) << 52);
}
