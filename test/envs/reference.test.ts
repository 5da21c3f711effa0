// Replays every episode of test/fixtures/gym_classic_control.json (recorded
// from Gymnasium itself; see test/fixtures/README.md) through our environments, open-loop
// from `initial_state` and one step at a time from the recorded states, with the
// tolerances that README states.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeEnv, type EnvSnapshot, type EpisodicEnv, type StepResult } from '../../src/envs/index.js';

interface RefStep {
  obs: number[];
  reward: number;
  terminated: boolean;
  truncated: boolean;
  state?: [number, number];
}
interface RefEpisode {
  name: string;
  env_id: 'Pendulum-v1' | 'MountainCarContinuous-v0';
  max_episode_steps: number;
  initial_state: [number, number];
  initial_obs: number[];
  length: number;
  actions: number[];
  libm_powf_inexact_steps?: number[];
  steps: RefStep[];
}

const ref = JSON.parse(
  readFileSync(new URL('../fixtures/gym_classic_control.json', import.meta.url), 'utf8'),
) as { format: string; episodes: RefEpisode[] };

const pendulum = ref.episodes.filter((e) => e.env_id === 'Pendulum-v1');
const mountainCar = ref.episodes.filter((e) => e.env_id === 'MountainCarContinuous-v0');

// README tolerances. Pendulum step-by-step: the README allows rewards within
// 1e-12·|r|, but the reward involves no sine or cosine (only the state before
// the step and u), so with x·x for the squares our rewards are bit-exact on every
// engine; we demand exact bits (which also catches the `((a % b) + b) % b` angle
// wrap, whose rounding error stays below 1e-12). On libm_powf_inexact_steps
// glibc's powf mis-rounds u² by one float32 ULP: 0.001·ULP(u² < 4) =
// 0.001·2^-22 ≈ 2.4e-10 absolute.
const STEP_REWARD_REL = 0;
const POWF_ABS = 2.4e-10;
// State "within a few float64 ULPs": 4 ULPs relative = 4·2^-52 ≈ 8.9e-16.
const STEP_STATE_REL = 4 * 2 ** -52;
// Open-loop (V8-vs-glibc sin/cos drift feeds the dynamics): obs ≤ 1 float32 ULP,
// reward ≤ 1e-9 relative, state ≤ 1e-8 relative.
const OPEN_REWARD_REL = 1e-9;
const OPEN_STATE_REL = 1e-8;

/** One float32 ULP at |x| (the spacing just above |x|, as numpy.spacing). */
function f32Ulp(x: number): number {
  const a = Math.abs(Math.fround(x));
  const buf = new Float32Array([a]);
  new Uint32Array(buf.buffer)[0]! += 1;
  return buf[0]! - a;
}

function expectRelClose(got: number, want: number, rel: number, what: string): void {
  if (Object.is(got, want)) return;
  expect(Math.abs(got - want), what).toBeLessThanOrEqual(rel * Math.abs(want));
}

function expectFlags(r: StepResult, s: RefStep, what: string): void {
  expect(r.terminated, `${what} terminated`).toBe(s.terminated);
  expect(r.truncated, `${what} truncated`).toBe(s.truncated);
}

function expectPendulumReward(ep: RefEpisode, t: number, got: number, want: number, rel: number): void {
  const what = `${ep.name} step ${t} reward`;
  if (ep.libm_powf_inexact_steps?.includes(t)) {
    expect(Math.abs(got - want), what).toBeLessThanOrEqual(Math.max(POWF_ABS, rel * Math.abs(want)));
  } else if (want === 0) {
    expect(Object.is(got, want), `${what}: ${got} vs ${want} (sign of zero)`).toBe(true);
  } else {
    expectRelClose(got, want, rel, what);
  }
}

/** Puts the env at the recorded state before step t, with the step counter at t. */
function setBeforeStep(env: EpisodicEnv, ep: RefEpisode, t: number): void {
  const prev = t === 0 ? ep.initial_state : (ep.steps[t - 1]!.state ?? ep.steps[t - 1]!.obs);
  // MountainCar's state is float32 after a step (README), float64 at the start.
  const dtype = ep.env_id === 'MountainCarContinuous-v0' && t > 0 ? 'float32' : 'float64';
  const snap: EnvSnapshot = { ...env.getState(), state: prev, stateDtype: dtype, elapsedSteps: t, status: 'running' };
  env.setState(snap);
}

describe('Pendulum-v1 against Gymnasium', () => {
  it.each(pendulum.map((e) => [e.name, e] as const))('%s: initial obs', (_n, ep) => {
    const env = makeEnv('Pendulum-v1');
    env.setState(ep.initial_state);
    expect(Array.from(env.observation())).toEqual(ep.initial_obs);
  });

  it.each(pendulum.map((e) => [e.name, e] as const))('%s: open-loop', (_n, ep) => {
    const env = makeEnv('Pendulum-v1');
    env.setState(ep.initial_state);
    for (let t = 0; t < ep.length; t++) {
      const r = env.step([ep.actions[t]!]);
      const s = ep.steps[t]!;
      for (let i = 0; i < 3; i++) {
        expect(Math.abs(r.obs[i]! - s.obs[i]!), `${ep.name} step ${t} obs[${i}]`).toBeLessThanOrEqual(f32Ulp(s.obs[i]!));
      }
      expectPendulumReward(ep, t, r.reward, s.reward, OPEN_REWARD_REL);
      expectFlags(r, s, `${ep.name} step ${t}`);
      expectRelClose(env.theta, s.state![0], OPEN_STATE_REL, `${ep.name} step ${t} theta`);
      expectRelClose(env.thetaDot, s.state![1], OPEN_STATE_REL, `${ep.name} step ${t} thetaDot`);
    }
  });

  it.each(pendulum.map((e) => [e.name, e] as const))('%s: step by step', (_n, ep) => {
    const env = makeEnv('Pendulum-v1');
    for (let t = 0; t < ep.length; t++) {
      setBeforeStep(env, ep, t);
      const r = env.step([ep.actions[t]!]);
      const s = ep.steps[t]!;
      expect(Array.from(r.obs), `${ep.name} step ${t} obs`).toEqual(s.obs);
      expectPendulumReward(ep, t, r.reward, s.reward, STEP_REWARD_REL);
      expectFlags(r, s, `${ep.name} step ${t}`);
      expectRelClose(env.theta, s.state![0], STEP_STATE_REL, `${ep.name} step ${t} theta`);
      expectRelClose(env.thetaDot, s.state![1], STEP_STATE_REL, `${ep.name} step ${t} thetaDot`);
    }
  });
});

describe('MountainCarContinuous-v0 against Gymnasium (bit-exact)', () => {
  function expectExact(r: StepResult, s: RefStep, what: string): void {
    expect(Object.is(r.obs[0], s.obs[0]) && Object.is(r.obs[1], s.obs[1]), `${what} obs ${r.obs} vs ${s.obs}`).toBe(true);
    expect(Object.is(r.reward, s.reward), `${what} reward ${r.reward} vs ${s.reward}`).toBe(true);
    expectFlags(r, s, what);
  }

  it.each(mountainCar.map((e) => [e.name, e] as const))('%s: open-loop', (_n, ep) => {
    const env = makeEnv('MountainCarContinuous-v0');
    env.setState(ep.initial_state);
    expect(Array.from(env.observation())).toEqual(ep.initial_obs);
    for (let t = 0; t < ep.length; t++) expectExact(env.step([ep.actions[t]!]), ep.steps[t]!, `${ep.name} step ${t}`);
  });

  it.each(mountainCar.map((e) => [e.name, e] as const))('%s: step by step', (_n, ep) => {
    const env = makeEnv('MountainCarContinuous-v0');
    for (let t = 0; t < ep.length; t++) {
      setBeforeStep(env, ep, t);
      expectExact(env.step([ep.actions[t]!]), ep.steps[t]!, `${ep.name} step ${t}`);
    }
  });

  it('a Float32Array state selects the float32 path (Gymnasium after `state = obs`)', () => {
    // mc_goal_float32_threshold step 2 lands exactly on float32(0.45) < 0.45:
    // terminal only because the comparison runs in float32.
    const ep = mountainCar.find((e) => e.name === 'mc_goal_float32_threshold')!;
    const env = makeEnv('MountainCarContinuous-v0');
    env.setState(Float32Array.from(ep.steps[0]!.obs));
    expectExact(env.step([ep.actions[1]!]), { ...ep.steps[1]!, truncated: false }, 'float32 path');
  });
});

describe('the reference file', () => {
  it('has the format and episode counts its README describes', () => {
    // README: 13 Pendulum-v1 episodes and 10 MountainCarContinuous-v0 episodes.
    expect([ref.format, pendulum.length, mountainCar.length]).toEqual(['gym-classic-control-reference/1', 13, 10]);
  });
});
