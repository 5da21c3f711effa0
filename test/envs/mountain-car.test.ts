import { describe, expect, it } from 'vitest';
import { sin } from '../../src/kernels/math.js';
import { MountainCarContinuous, type EnvSnapshot } from '../../src/envs/index.js';

describe('MountainCarContinuous reset', () => {
  it('draws position from U(−0.6, −0.4) with velocity 0', () => {
    const env = new MountainCarContinuous({ seed: 4 });
    let lo = Infinity, hi = -Infinity, vMax = 0;
    for (let i = 0; i < 1000; i++) {
      env.reset();
      lo = Math.min(lo, env.position); hi = Math.max(hi, env.position); vMax = Math.max(vMax, Math.abs(env.velocity));
    }
    // Covering the interval: P(no draw below −0.595 in 1000) = (1 − 0.005/0.2)^1000 ≈ 1e-11.
    expect([lo >= -0.6, hi < -0.4, lo < -0.595, hi > -0.405, vMax]).toEqual([true, true, true, true, 0]);
  });

  it('observes the float32 rounding of the float64 state', () => {
    const env = new MountainCarContinuous();
    const obs = env.reset(8);
    expect(Array.from(obs)).toEqual([Math.fround(env.position), 0]);
  });

  it('gives the same initial state for the same seed', () => {
    expect(new MountainCarContinuous().reset(99)[0]).toBe(new MountainCarContinuous({ seed: 99 }).reset()[0]);
  });
});

describe('MountainCarContinuous dynamics', () => {
  it('rewards −0.1·a² with the unclipped action while the force is clipped', () => {
    const a = new MountainCarContinuous(); a.setState([-0.5, 0]);
    const b = new MountainCarContinuous(); b.setState([-0.5, 0]);
    const ra = a.step([5]);
    const rb = b.step([1]);
    // −0.1·5² = −2.5 and −0.1·1² = −0.1 (a² exact, then one rounding, as math.pow(a, 2)*0.1).
    expect([ra.reward, rb.reward]).toEqual([-2.5, -0.1]);
    expect(Array.from(ra.obs)).toEqual(Array.from(rb.obs));
  });

  it('terminates at the goal with +100 and then refuses to step', () => {
    const env = new MountainCarContinuous();
    env.setState([0.44, 0.05]);
    const r = env.step([0]);
    // p = 0.44 + (0.05 − 0.0025·cos(1.32)) > 0.45, v > 0: terminal, reward 100 − 0.
    expect([r.terminated, r.truncated, r.reward]).toEqual([true, false, 100]);
    expect(() => env.step([0])).toThrow(/episode ended at step 1/);
  });

  it('stops at the left wall (position −1.2, velocity zeroed)', () => {
    const env = new MountainCarContinuous();
    env.setState([-1.19, -0.05]);
    env.step([-1]);
    // −1.19 − 0.05… < −1.2: clipped to −1.2, stored as float32; velocity was < 0 so it is 0.
    expect([env.position, env.velocity]).toEqual([Math.fround(-1.2), 0]);
  });

  it('truncates at step 999', () => {
    const env = new MountainCarContinuous();
    env.setState([-0.5, 0]);
    let firstEnd = -1;
    for (let t = 1; t <= 999 && firstEnd < 0; t++) if (env.step([0]).truncated) firstEnd = t;
    // With zero force the car rocks in the valley and never reaches 0.45.
    expect(firstEnd).toBe(999);
  });

  it('marks its state float32 after a step (later steps run in float32)', () => {
    const env = new MountainCarContinuous();
    env.reset(0);
    const before = env.getState().stateDtype;
    env.step([0.3]);
    expect([before, env.getState().stateDtype]).toEqual(['float64', 'float32']);
  });

  it('takes a Float32Array state as float32 and plain numbers as float64', () => {
    const env = new MountainCarContinuous();
    env.setState(new Float32Array([-0.5, 0]));
    const f32 = env.getState().stateDtype;
    env.setState([-0.5, 0]);
    expect([f32, env.getState().stateDtype]).toEqual(['float32', 'float64']);
  });
});

describe('MountainCarContinuous bad input and state', () => {
  it('rejects Infinity with a RangeError naming the env, the step and the value', () => {
    const env = new MountainCarContinuous();
    env.reset(0);
    expect(() => env.step([Infinity])).toThrow(/MountainCarContinuous-v0 step 1: action\[0\] = Infinity/);
  });

  it('resumes mid-episode from a JSON snapshot exactly as the uninterrupted run', () => {
    const a = new MountainCarContinuous({ seed: 2 });
    a.reset();
    for (let t = 0; t < 30; t++) a.step([t % 7 < 3 ? 1 : -1]);
    const b = new MountainCarContinuous();
    b.setState(JSON.parse(JSON.stringify(a.getState())) as EnvSnapshot);
    const rest = (e: MountainCarContinuous) => Array.from({ length: 100 }, (_, t) => {
      const r = e.step([(t % 5) / 2 - 1]); // any varied action sequence in [−1, 1]
      return [r.obs[0], r.obs[1], r.reward, r.terminated, r.truncated];
    });
    expect(rest(b)).toEqual(rest(a));
  });

  it('height(x) is Gymnasium\'s sin(3x)·0.45 + 0.55', () => {
    expect(MountainCarContinuous.height(-0.5)).toBe(sin(-1.5) * 0.45 + 0.55);
  });

  it('has Gymnasium bounds: obs [−1.2, −0.07]..[0.6, 0.07] in float32, force ±1', () => {
    const env = new MountainCarContinuous();
    const f = Math.fround;
    expect([Array.from(env.observationSpace.low), Array.from(env.observationSpace.high)])
      .toEqual([[f(-1.2), f(-0.07)], [f(0.6), f(0.07)]]);
    expect([Array.from(env.actionSpace.low), Array.from(env.actionSpace.high)]).toEqual([[-1], [1]]);
  });
});
