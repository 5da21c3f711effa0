// Soft Actor-Critic's squashed Gaussian policy (Haarnoja et al. 2018,
// arXiv:1812.05905, Appendix C "Enforcing Action Bounds"), forward and backward.
//
// The actor's output row i holds [μ_i (A values) | log σ_i (A values)] (batch ×
// 2A, row-major). With ε ~ N(0, 1) drawn by the caller's seeded generator:
//
//   ℓ  = clamp(log σ, LOG_STD_MIN, LOG_STD_MAX)      σ = exp(ℓ)
//   u  = μ + σ·ε                                      (reparameterisation)
//   a  = h·tanh(u)                                    (squashing, h = action bound)
//   log π(a|s) = Σ_j [ −ε_j²/2 − ℓ_j − ½·log 2π − log(1 − tanh² u_j) ]
//
// with the numerically stable log(1 − tanh² u) = 2·(log 2 − u − softplus(−2u)).
// Like SB3 and Spinning Up, log π is the density of tanh(u) ∈ (−1, 1)^A: the
// constant −A·log h of the final scaling is left out (it shifts log π and would
// shift the entropy target −A by the same amount).
//
// Determinism: scalar f32 arithmetic, AssemblyScript's Mathf and ./math's pinned
// expf (musl ports in plain wasm), no engine Math. src/kernels/sac-reference.ts performs the same
// operation sequence, so both backends give the same bits.

import { expf } from "./math";

const LOG2: f32 = 0.6931471805599453; // log 2
const HALF_LOG_2PI: f32 = 0.9189385332046727; // ½·log(2π)

/** float32 log(1 + x) (musl log1pf), exported for the reference backend. */
export function log1pf(x: f32): f32 {
  return Mathf.log1p(x);
}

@inline
function clampLogStd(x: f32, lo: f32, hi: f32): f32 {
  return x < lo ? lo : x > hi ? hi : x;
}

/** log(1 − tanh² u) = 2·(log 2 − u − softplus(−2u)), softplus(x) = max(x, 0) + log1p(exp(−|x|)). */
@inline
function logOneMinusTanh2(u: f32): f32 {
  const x: f32 = <f32>-2 * u;
  const sp: f32 = (x > 0 ? x : <f32>0) + Mathf.log1p(expf(-Mathf.abs(x)));
  return <f32>2 * ((LOG2 - u) - sp);
}

/**
 * Samples a = h·tanh(μ + σ·ε) for n rows of A actions and writes log π(a|s)
 * per row. dist: n×2A actor outputs; eps: n×A normals; act: n×A (env units);
 * logp: n. Terms of log π are added in increasing j.
 */
export function sacSample(n: i32, a: i32, dist: usize, eps: usize, lo: f32, hi: f32, bound: f32, act: usize, logp: usize): void {
  for (let i = 0; i < n; i++) {
    const row = dist + (<usize>(i * 2 * a) << 2);
    const er = eps + (<usize>(i * a) << 2);
    const ar = act + (<usize>(i * a) << 2);
    let lp: f32 = 0;
    for (let j = 0; j < a; j++) {
      const mu = load<f32>(row + (<usize>j << 2));
      const ls = clampLogStd(load<f32>(row + (<usize>(a + j) << 2)), lo, hi);
      const e = load<f32>(er + (<usize>j << 2));
      const u: f32 = mu + expf(ls) * e;
      store<f32>(ar + (<usize>j << 2), Mathf.tanh(u) * bound);
      // log N(u; μ, σ) − log(1 − tanh² u)
      const logN: f32 = ((<f32>-0.5 * (e * e)) - ls) - HALF_LOG_2PI;
      lp = lp + (logN - logOneMinusTanh2(u));
    }
    store<f32>(logp + (<usize>i << 2), lp);
  }
}

/**
 * Backward of the actor objective J_π = (1/N)·Σ_i [α·log π(a_i|s_i) − Q(s_i, a_i)]
 * through sacSample, with ε held fixed (the reparameterisation trick):
 *
 *   g_u  = ∂J/∂a · h·(1 − t²) + (α/N)·2t           t = tanh u  (∂ log π/∂u = 2t)
 *   ∂J/∂μ = g_u
 *   ∂J/∂(log σ) = g_u·σ·ε − α/N   inside [lo, hi], 0 where the clamp is active
 *
 * dAct (n×A) holds ∂J/∂a (from the critics); alphaN = α/N; the result goes to
 * dDist (n×2A, same layout as dist). Recomputes u and t from dist and eps.
 */
export function sacBackward(n: i32, a: i32, dist: usize, eps: usize, lo: f32, hi: f32, bound: f32,
                            dAct: usize, alphaN: f32, dDist: usize): void {
  for (let i = 0; i < n; i++) {
    const row = dist + (<usize>(i * 2 * a) << 2);
    const drow = dDist + (<usize>(i * 2 * a) << 2);
    const er = eps + (<usize>(i * a) << 2);
    const gr = dAct + (<usize>(i * a) << 2);
    for (let j = 0; j < a; j++) {
      const mu = load<f32>(row + (<usize>j << 2));
      const raw = load<f32>(row + (<usize>(a + j) << 2));
      const ls = clampLogStd(raw, lo, hi);
      const e = load<f32>(er + (<usize>j << 2));
      const sigma = expf(ls);
      const t = Mathf.tanh(mu + sigma * e);
      const gu: f32 = load<f32>(gr + (<usize>j << 2)) * (bound * (<f32>1 - t * t)) + alphaN * (<f32>2 * t);
      store<f32>(drow + (<usize>j << 2), gu);
      const inside = raw >= lo && raw <= hi;
      store<f32>(drow + (<usize>(a + j) << 2), inside ? gu * (sigma * e) - alphaN : <f32>0);
    }
  }
}

/** The deterministic action a = h·tanh(μ) for n rows (evaluation). */
export function sacMean(n: i32, a: i32, dist: usize, bound: f32, act: usize): void {
  for (let i = 0; i < n; i++) {
    const row = dist + (<usize>(i * 2 * a) << 2);
    const ar = act + (<usize>(i * a) << 2);
    for (let j = 0; j < a; j++) store<f32>(ar + (<usize>j << 2), Mathf.tanh(load<f32>(row + (<usize>j << 2))) * bound);
  }
}
