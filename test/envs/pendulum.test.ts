import { describe, expect, it } from 'vitest';
import { cos, sin } from '../../src/kernels/math.js';
import { angleNormalize, floorMod, Pendulum, type EnvSnapshot } from '../../src/envs/index.js';

/** Runs n steps of a fixed action sequence and returns the transcript. */
function run(env: Pendulum, n: number, first = 0) {
  const out: { obs: number[]; reward: number; terminated: boolean; truncated: boolean }[] = [];
  for (let t = first; t < first + n; t++) {
    const r = env.step([((t * 37) % 41) / 10 - 2]); // any varied action sequence in [-2, 2]
    out.push({ obs: Array.from(r.obs), reward: r.reward, terminated: r.terminated, truncated: r.truncated });
  }
  return out;
}

describe('Pendulum reset', () => {
  it('gives the same initial observation for the same seed', () => {
    expect(Array.from(new Pendulum().reset(42))).toEqual(Array.from(new Pendulum().reset(42)));
  });

  it('gives different initial observations for different seeds', () => {
    expect(Array.from(new Pendulum().reset(1))).not.toEqual(Array.from(new Pendulum().reset(2)));
  });

  it('seeds from the constructor exactly as reset(seed) does', () => {
    expect(Array.from(new Pendulum({ seed: 7 }).reset())).toEqual(Array.from(new Pendulum().reset(7)));
  });

  it('continues the stream on reset() without a seed (a new episode, a new state)', () => {
    const env = new Pendulum({ seed: 3 });
    expect(Array.from(env.reset())).not.toEqual(Array.from(env.reset()));
  });

  it('draws θ from U(−π, π) and θ̇ from U(−1, 1)', () => {
    const env = new Pendulum({ seed: 11 });
    let thMin = Infinity, thMax = -Infinity, dMin = Infinity, dMax = -Infinity;
    for (let i = 0; i < 2000; i++) {
      env.reset();
      thMin = Math.min(thMin, env.theta); thMax = Math.max(thMax, env.theta);
      dMin = Math.min(dMin, env.thetaDot); dMax = Math.max(dMax, env.thetaDot);
    }
    // Inside the bounds, and covering them. For a uniform sampler, P(no θ below
    // −3.1 in 2000 draws) = (1 − (π − 3.1)/(2π))^2000 ≈ e^−13.2 ≈ 2e-6, and
    // P(no θ̇ below −0.98) = (1 − 0.02/2)^2000 ≈ 2e-9 (same for the upper ends).
    expect([thMin >= -Math.PI, thMax < Math.PI, dMin >= -1, dMax < 1]).toEqual([true, true, true, true]);
    expect([thMin < -3.1, thMax > 3.1, dMin < -0.98, dMax > 0.98]).toEqual([true, true, true, true]);
  });

  it('observes [cos θ, sin θ, θ̇] in float32 with the deterministic math', () => {
    const env = new Pendulum();
    const obs = env.reset(5);
    const want = [Math.fround(cos(env.theta)), Math.fround(sin(env.theta)), Math.fround(env.thetaDot)];
    expect(Array.from(obs)).toEqual(want);
  });

  it('returns a fresh observation array on every call', () => {
    const env = new Pendulum();
    const a = env.reset(1);
    const b = env.step([0]).obs;
    expect(a).not.toBe(b);
  });
});

describe('Pendulum episodes', () => {
  it('is never terminated and truncates exactly at step 200', () => {
    const env = new Pendulum();
    env.reset(0);
    const flags = run(env, 200).map((r) => `${r.terminated ? 'T' : '-'}${r.truncated ? 't' : '-'}`);
    // Gymnasium registers Pendulum-v1 with max_episode_steps = 200.
    expect(flags.slice(0, 199).every((f) => f === '--')).toBe(true);
    expect(flags[199]).toBe('-t');
  });

  it('throws on a step after the episode ended', () => {
    const env = new Pendulum();
    env.reset(0);
    run(env, 200);
    expect(() => env.step([0])).toThrow(/Pendulum-v1: step 201 called after the episode ended/);
  });

  it('throws on a step before any reset or setState', () => {
    expect(() => new Pendulum().step([0])).toThrow(/before reset\(\) or setState\(\)/);
  });

  it('clips an out-of-range torque to ±2 for dynamics and cost', () => {
    const a = new Pendulum(); a.setState([1, 0.5]);
    const b = new Pendulum(); b.setState([1, 0.5]);
    const ra = a.step([1e30]);
    const rb = b.step([2]);
    expect([Array.from(ra.obs), ra.reward]).toEqual([Array.from(rb.obs), rb.reward]);
  });

  it('computes the reward from the state before the step', () => {
    // θ = 0.5, θ̇ = −0.25, u = 0: cost = 0.5² + 0.1·0.25² + 0 = 0.25 + 0.00625 = 0.25625.
    const env = new Pendulum();
    env.setState([0.5, -0.25]);
    expect(env.step([0]).reward).toBe(-(0.25 + 0.1 * 0.0625));
  });

  it('with g = 0 keeps θ̇ constant under zero torque (the gravity term is the only force)', () => {
    const env = new Pendulum({ g: 0 });
    env.setState([1, 0.75]);
    env.step([0]);
    // newthdot = 0.75 + (0·sin θ + 0)·0.05 = 0.75; θ = 1 + 0.75·0.05.
    expect([env.thetaDot, env.theta]).toEqual([0.75, 1 + 0.75 * 0.05]);
  });
});

describe('Pendulum bad input', () => {
  const fresh = () => { const e = new Pendulum(); e.reset(0); e.step([0]); e.step([0]); return e; };

  it('rejects NaN with a RangeError naming the env, the step and the value', () => {
    expect(() => fresh().step([NaN])).toThrow(RangeError);
    expect(() => fresh().step([NaN])).toThrow(/Pendulum-v1 step 3: action\[0\] = NaN/);
  });

  it('rejects infinities', () => {
    expect(() => fresh().step([-Infinity])).toThrow(/step 3: action\[0\] = -Infinity/);
  });

  it('rejects finite values beyond the float32 range (they would round to infinity)', () => {
    expect(() => fresh().step([1e39])).toThrow(/action\[0\] = 1e\+39 is not a finite float32/);
  });

  it('rejects an action of the wrong length', () => {
    expect(() => fresh().step([1, 2])).toThrow(/Pendulum-v1 step 3: action must have length 1, got length 2/);
    expect(() => fresh().step([])).toThrow(RangeError);
  });

  it('leaves the state and the step counter untouched after a rejected action', () => {
    const env = fresh();
    const before = env.getState();
    expect(() => env.step([NaN])).toThrow(RangeError);
    expect(env.getState()).toEqual(before);
  });
});

describe('Pendulum state', () => {
  it('resumes mid-episode from a JSON snapshot exactly as the uninterrupted run', () => {
    const a = new Pendulum({ seed: 9 });
    a.reset();
    run(a, 80);
    const snap = JSON.parse(JSON.stringify(a.getState())) as EnvSnapshot;
    const b = new Pendulum();
    b.setState(snap);
    // Same remaining steps (truncation at 200 included) and the same next reset.
    expect(run(b, 120, 80)).toEqual(run(a, 120, 80));
    expect(Array.from(b.reset())).toEqual(Array.from(a.reset()));
  });

  it('setState([θ, θ̇]) restarts the step counter', () => {
    const env = new Pendulum();
    env.reset(0);
    run(env, 150);
    env.setState([0.1, 0.2]);
    const flags = run(env, 200).map((r) => r.truncated);
    expect([flags.indexOf(true), env.elapsedSteps]).toEqual([199, 200]);
  });

  it('exposes the physical state it was given, unwrapped', () => {
    const env = new Pendulum();
    env.setState([1000.5, -3]);
    expect([env.theta, env.thetaDot, env.getState().state]).toEqual([1000.5, -3, [1000.5, -3]]);
  });

  it('rejects a non-finite or mis-sized physical state', () => {
    const env = new Pendulum();
    expect(() => env.setState([NaN, 0])).toThrow(/Pendulum-v1.setState: theta = NaN/);
    expect(() => env.setState([0])).toThrow(/expected \[theta, thetaDot\]/);
  });

  it('rejects a snapshot of another environment', () => {
    const env = new Pendulum();
    env.reset(0);
    expect(() => env.setState({ ...env.getState(), id: 'MountainCarContinuous-v0' })).toThrow(/not Pendulum-v1/);
  });
});

describe('angle wrap', () => {
  it('floorMod matches Python float % (values printed by CPython 3.11)', () => {
    // >>> -1e-20 % (2*math.pi), 7.0 % -2.0, -7.0 % 2.0, -0.0 % (2*math.pi), (-2*math.pi) % (2*math.pi)
    // (6.283185307179586, -1.0, 1.0, 0.0, 0.0)
    const got = [floorMod(-1e-20, 2 * Math.PI), floorMod(7, -2), floorMod(-7, 2), floorMod(-0, 2 * Math.PI), floorMod(-2 * Math.PI, 2 * Math.PI)];
    expect(got).toEqual([6.283185307179586, -1, 1, 0, 0]);
    expect(Object.is(got[3], 0)).toBe(true);
  });

  it('differs from the ((a % b) + b) % b idiom where that idiom rounds', () => {
    // The idiom maps −1e-20 to (2π − 1e-20 rounded to 2π) % 2π = 0; Python gives 2π.
    const idiom = ((-1e-20 % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI);
    expect([idiom, floorMod(-1e-20, 2 * Math.PI)]).toEqual([0, 2 * Math.PI]);
  });

  it('angleNormalize maps θ = π to −π, as Gymnasium does', () => {
    // ((π + π) % 2π) − π = 0 − π.
    expect(angleNormalize(Math.PI)).toBe(-Math.PI);
  });
});

describe('Pendulum spaces', () => {
  it('has Gymnasium bounds: obs [±1, ±1, ±8], torque ±2', () => {
    const env = new Pendulum();
    expect([Array.from(env.observationSpace.low), Array.from(env.observationSpace.high)]).toEqual([[-1, -1, -8], [1, 1, 8]]);
    expect([env.actionSpace.shape, Array.from(env.actionSpace.low), Array.from(env.actionSpace.high)]).toEqual([[1], [-2], [2]]);
  });
});
