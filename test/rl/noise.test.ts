import { describe, expect, it } from 'vitest';
import { GaussianNoise, linearDecay, OrnsteinUhlenbeckNoise, type NoiseState } from '../../src/rl/noise.js';
import { Rng } from '../../src/rng.js';

/**
 * Runs `chains` independent OU dimensions for `steps` steps after `burnIn`, and
 * returns the mean of x² (the variance, μ = 0) and the lag-1 autocorrelation
 * Σ x_t·x_{t+1} / Σ x_t² pooled over the chains.
 */
function ouMoments(noise: OrnsteinUhlenbeckNoise, seed: number, steps: number, burnIn: number) {
  const rng = new Rng(seed);
  const d = noise.dim;
  const out = new Float32Array(d);
  const prev = new Float64Array(d);
  let sxx = 0, sxy = 0, n = 0;
  for (let t = 0; t < burnIn + steps; t++) {
    noise.sample(rng, out);
    for (let i = 0; i < d; i++) {
      const x = out[i]!;
      if (t > burnIn) { sxx += prev[i]! * prev[i]!; sxy += prev[i]! * x; n++; }
      prev[i] = x;
    }
  }
  return { variance: sxx / n, rho: sxy / sxx };
}

describe('OrnsteinUhlenbeckNoise statistics', () => {
  it('dt = 1: stationary variance σ²·dt/(1 − (1 − θ·dt)²) and lag-1 autocorrelation 1 − θ·dt', () => {
    const noise = new OrnsteinUhlenbeckNoise({ dim: 4, sigma: 0.2, theta: 0.15, dt: 1 });
    const { variance, rho } = ouMoments(noise, 1, 100_000, 200);
    // a = 0.85: var = 0.04/(1 − 0.7225) = 0.144144…. For AR(1), the estimator
    // mean(x²) has relative s.e. √(2(1 + a²)/((1 − a²)N)) = √(12.41/4e5) ≈ 0.56%
    // (N = 4 chains × 1e5); 5 s.e. ≈ 2.8%. ρ̂ has s.e. √((1 − a²)/N) ≈ 8.3e-4; 5 s.e. ≈ 4.2e-3.
    // Burn-in 200 steps: a^400 ≈ 5e-29 of the start remains.
    expect(Math.abs(variance / (0.04 / (1 - 0.85 ** 2)) - 1)).toBeLessThan(0.028);
    expect(Math.abs(rho - 0.85)).toBeLessThan(4.2e-3);
  });

  it('the notebook\'s dt = 1e-2: the same formulas', () => {
    const noise = new OrnsteinUhlenbeckNoise({ dim: 8 });
    const { variance, rho } = ouMoments(noise, 2, 200_000, 4000);
    // a = 1 − 0.0015 = 0.9985: var = 0.04·0.01/(1 − a²) = 0.133434…. Relative s.e.
    // of mean(x²): √(2(1 + a²)/((1 − a²)N)) = √(1332/1.6e6) ≈ 2.9% (N = 8 × 2e5);
    // 4 s.e. ≈ 11.5%. ρ̂: s.e. √((1 − a²)/N) ≈ 4.3e-5, bias ≈ −(1 + 3a)/steps ≈ −2e-5;
    // 5 s.e. + bias ≈ 2.4e-4. Burn-in 4000 steps: a^8000 ≈ 6e-6 of the start remains.
    const a = 1 - 0.15 * 0.01;
    expect(Math.abs(variance / ((0.04 * 0.01) / (1 - a * a)) - 1)).toBeLessThan(0.115);
    expect(Math.abs(rho - a)).toBeLessThan(2.4e-4);
  });
});

describe('OrnsteinUhlenbeckNoise', () => {
  it('has the notebook\'s defaults: σ = 0.2, θ = 0.15, dt = 1e-2, μ = x₀ = 0', () => {
    const n = new OrnsteinUhlenbeckNoise({ dim: 1 });
    expect([n.sigma, n.theta, n.dt, n.mean, n.x0]).toEqual([0.2, 0.15, 0.01, 0, 0]);
  });

  it('follows x ← x + θ(μ − x)·dt + σ·√dt·N(0,1) in the notebook\'s evaluation order', () => {
    const noise = new OrnsteinUhlenbeckNoise({ dim: 1, mean: 0.3, x0: -0.5 });
    const out = new Float32Array(1);
    const rng = new Rng(7);
    const z = rng.clone();
    let x = -0.5;
    const want: number[] = [];
    const got: number[] = [];
    for (let t = 0; t < 3; t++) {
      x = x + 0.15 * (0.3 - x) * 0.01 + 0.2 * Math.sqrt(0.01) * z.normal();
      want.push(Math.fround(x));
      got.push(noise.sample(rng, out)[0]!);
    }
    expect(got).toEqual(want);
  });

  it('reset() returns the process to x₀', () => {
    const noise = new OrnsteinUhlenbeckNoise({ dim: 2, x0: 0.1 });
    const out = new Float32Array(2);
    noise.sample(new Rng(1), out);
    noise.reset();
    expect(noise.getState().x).toEqual([0.1, 0.1]);
  });

  it('scales the output without rescaling the process', () => {
    const a = new OrnsteinUhlenbeckNoise({ dim: 1 });
    const b = new OrnsteinUhlenbeckNoise({ dim: 1 });
    const ob = new Float32Array(1);
    a.sample(new Rng(5), new Float32Array(1), 1);
    b.sample(new Rng(5), ob, 0.5);
    // Same process state as the unscaled run; the output is half of it.
    expect([b.getState(), ob[0]]).toEqual([a.getState(), Math.fround(0.5 * a.getState().x[0]!)]);
  });

  it('resumes from a JSON state exactly', () => {
    const a = new OrnsteinUhlenbeckNoise({ dim: 3 });
    const rng = new Rng(11);
    const out = new Float32Array(3);
    for (let t = 0; t < 20; t++) a.sample(rng, out);
    const b = new OrnsteinUhlenbeckNoise({ dim: 3 });
    b.setState(JSON.parse(JSON.stringify(a.getState())) as NoiseState);
    const r2 = rng.clone();
    expect(Array.from(b.sample(r2, new Float32Array(3)))).toEqual(Array.from(a.sample(rng, out)));
  });

  it('gives the same sequence for the same seed', () => {
    const seq = () => {
      const n = new OrnsteinUhlenbeckNoise({ dim: 2 });
      const rng = new Rng(123, 'noise');
      return Array.from({ length: 10 }, () => Array.from(n.sample(rng, new Float32Array(2))));
    };
    expect(seq()).toEqual(seq());
  });

  it('rejects dt ≤ 0, a negative σ, and an out buffer of the wrong length', () => {
    expect(() => new OrnsteinUhlenbeckNoise({ dim: 1, dt: 0 })).toThrow(/dt must be a finite number in \(0, 1000000\], got 0/);
    expect(() => new OrnsteinUhlenbeckNoise({ dim: 1, sigma: -1 })).toThrow(/sigma must be a finite number in \[0, 1000000\], got -1/);
    expect(() => new OrnsteinUhlenbeckNoise({ dim: 2 }).sample(new Rng(0), new Float32Array(1))).toThrow(/length 2/);
  });

  it('rejects a state of the wrong kind or length', () => {
    const n = new OrnsteinUhlenbeckNoise({ dim: 2 });
    expect(() => n.setState({ type: 'ou', x: [0] })).toThrow(RangeError);
    expect(() => n.setState({ type: 'gaussian', x: [] })).toThrow(RangeError);
  });
});

describe('GaussianNoise', () => {
  it('has mean μ and standard deviation σ', () => {
    const noise = new GaussianNoise({ dim: 4, sigma: 0.3, mean: 0.5 });
    const rng = new Rng(3);
    const out = new Float32Array(4);
    let s = 0, ss = 0;
    const N = 250_000 * 4;
    for (let t = 0; t < N / 4; t++) {
      noise.sample(rng, out);
      for (let i = 0; i < 4; i++) { s += out[i]!; ss += out[i]! * out[i]!; }
    }
    const mean = s / N, variance = ss / N - mean * mean;
    // s.e. of the mean σ/√N = 0.3/1000 = 3e-4 (5 s.e. = 1.5e-3); relative s.e. of
    // the variance √(2/N) ≈ 1.4e-3 (5 s.e. ≈ 0.71%).
    expect(Math.abs(mean - 0.5)).toBeLessThan(1.5e-3);
    expect(Math.abs(variance / 0.09 - 1)).toBeLessThan(0.0071);
  });

  it('draws independent values: μ + σ·N(0,1) per component, times scale', () => {
    const noise = new GaussianNoise({ dim: 2, sigma: 0.1 });
    const z = new Rng(9);
    const want = [0.5 * (0 + 0.1 * z.normal()), 0.5 * (0 + 0.1 * z.normal())].map(Math.fround);
    expect(Array.from(noise.sample(new Rng(9), new Float32Array(2), 0.5))).toEqual(want);
  });
});

describe('linearDecay', () => {
  it('goes linearly from 1 at step 0 to finalScale at decaySteps, then stays', () => {
    // 1 + (0.1 − 1)·(50/100) = 0.55.
    expect([linearDecay(0, 100, 0.1), linearDecay(50, 100, 0.1), linearDecay(100, 100, 0.1), linearDecay(1e9, 100, 0.1)])
      .toEqual([1, 0.55, 0.1, 0.1]);
  });

  it('rejects decaySteps < 1', () => {
    expect(() => linearDecay(0, 0, 0.1)).toThrow(RangeError);
  });
});
