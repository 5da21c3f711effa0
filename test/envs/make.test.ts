import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/rng.js';
import {
  box, boxContains, EpisodicEnv, isEnvId, makeEnv, MountainCarContinuous, Pendulum,
  type EnvOptions, type Transition,
} from '../../src/envs/index.js';

describe('makeEnv', () => {
  it('builds Pendulum-v1 with its registered time limit of 200 steps', () => {
    const env = makeEnv('Pendulum-v1');
    expect([env instanceof Pendulum, env.id, env.maxEpisodeSteps]).toEqual([true, 'Pendulum-v1', 200]);
  });

  it('builds MountainCarContinuous-v0 with its registered time limit of 999 steps', () => {
    const env = makeEnv('MountainCarContinuous-v0');
    expect([env instanceof MountainCarContinuous, env.id, env.maxEpisodeSteps]).toEqual([true, 'MountainCarContinuous-v0', 999]);
  });

  it('rejects an unknown id, listing the known ones', () => {
    expect(() => makeEnv('Pendulum-v0')).toThrow(/unknown environment id "Pendulum-v0"; known: Pendulum-v1, MountainCarContinuous-v0/);
  });

  it('isEnvId recognises exactly the ids makeEnv builds', () => {
    expect(['Pendulum-v1', 'MountainCarContinuous-v0', 'Pendulum-v0', 42].map(isEnvId)).toEqual([true, true, false, false]);
  });

  it('honours a maxEpisodeSteps override', () => {
    const env = makeEnv('Pendulum-v1', { maxEpisodeSteps: 3 });
    env.reset(0);
    expect([env.step([0]).truncated, env.step([0]).truncated, env.step([0]).truncated]).toEqual([false, false, true]);
  });

  it('rejects a bad seed or time limit', () => {
    expect(() => makeEnv('Pendulum-v1', { seed: -1 })).toThrow(RangeError);
    expect(() => makeEnv('Pendulum-v1', { maxEpisodeSteps: 0 })).toThrow(/maxEpisodeSteps must be a positive integer/);
  });
});

describe('box', () => {
  it('rounds bounds to float32 and checks containment inclusively', () => {
    const b = box([-0.1], [0.1]);
    expect([b.low[0], boxContains(b, [Math.fround(0.1)]), boxContains(b, [0.2]), boxContains(b, [0, 0])])
      .toEqual([Math.fround(-0.1), true, false, false]);
  });

  it('rejects low above high', () => {
    expect(() => box([1], [0])).toThrow(/low\[0\] = 1 exceeds high\[0\] = 0/);
  });
});

// The example of src/envs/README.md: a custom environment on the same base class.
class PointMass extends EpisodicEnv {
  readonly id = 'PointMass-v0';
  readonly observationSpace = box([-10, -10], [10, 10]);
  readonly actionSpace = box([-1], [1]);
  protected readonly stateNames = ['x', 'v'];
  private x = 0;
  private v = 0;
  constructor(options: EnvOptions = {}) {
    super(options, 50);
  }
  protected sampleInitialState(rng: Rng): void {
    this.x = rng.uniform(-1, 1);
    this.v = 0;
  }
  protected transition(action: Float32Array, out: Transition): void {
    const f = Math.min(Math.max(action[0]!, -1), 1);
    this.v += 0.1 * f;
    this.x += 0.1 * this.v;
    out.reward = -this.x * this.x;
    out.terminated = Math.abs(this.x) > 10;
  }
  observation(): Float32Array {
    return Float32Array.of(this.x, this.v);
  }
  protected physicalState(): number[] {
    return [this.x, this.v];
  }
  protected loadPhysicalState(state: ArrayLike<number>): void {
    this.x = state[0]!;
    this.v = state[1]!;
  }
}

describe('a custom environment on EpisodicEnv', () => {
  it('gets the time limit from the base class', () => {
    const env = new PointMass();
    env.reset(1);
    let t = 0;
    while (!env.step([0.5]).truncated) t++;
    expect(t + 1).toBe(50);
  });

  it('gets action validation from the base class', () => {
    const env = new PointMass();
    env.reset(1);
    expect(() => env.step([NaN])).toThrow(/PointMass-v0 step 1: action\[0\] = NaN/);
  });

  it('draws its reset from the seeded "env" stream', () => {
    const env = new PointMass();
    const x0 = env.reset(5)[0];
    expect(x0).toBe(Math.fround(new Rng(5, 'env').uniform(-1, 1)));
  });
});
