// Faulty environments and hostile options (issue 14, items 3, 4 and 7): an
// env fault stops learn() with an error naming the env, the step and the
// value; the agent stays consistent (the next learn() starts a fresh episode,
// no transition spans two steps, nothing bad is stored); config keys are own
// properties only, nested noise keys are checked, and every message formats.
import { describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agents/agent.js';
import { DDPG } from '../../src/agents/ddpg.js';
import { SAC } from '../../src/agents/sac.js';
import { TD3 } from '../../src/agents/td3.js';
import { resolveConfig } from '../../src/agents/ddpg-config.js';
import { resolveSACConfig } from '../../src/agents/sac-config.js';
import { resolveTD3Config } from '../../src/agents/td3-config.js';
import { box, EpisodicEnv, type Env, type EnvOptions, type StepResult, type Transition } from '../../src/envs/env.js';
import type { Rng } from '../../src/rng.js';
import { makeEnv } from '../../src/envs/make.js';
import { SMALL, ToyEnv } from './helpers.js';

/** ToyEnv whose step() / reset() answer with `bad` at one lifetime step (1-based) / reset call. */
class Faulty extends ToyEnv {
  resets = 0;
  constructor(private readonly fault: { step?: number; stepResult?: (r: StepResult) => unknown; reset?: number; resetResult?: unknown; maxEpisodeSteps?: number }) {
    super({ maxEpisodeSteps: fault.maxEpisodeSteps ?? 20 });
  }
  override reset(): Float32Array {
    this.resets++;
    const obs = super.reset();
    return (this.resets === this.fault.reset ? this.fault.resetResult : obs) as Float32Array;
  }
  override step(action: ArrayLike<number>): StepResult {
    const r = super.step(action);
    return (this.lifetimeSteps === this.fault.step ? this.fault.stepResult!(r) : r) as StepResult;
  }
}

const agentOn = (env: Env, extra = {}): DDPG => new DDPG(env, { ...SMALL, learningStarts: 5, ...extra });

describe('a faulting environment', () => {
  const faults: [string, (r: StepResult) => unknown, RegExp][] = [
    ['a NaN reward', (r) => ({ ...r, reward: NaN }), /Toy-v0 returned a non-finite reward \(NaN\) at step 7/],
    ['a string reward', (r) => ({ ...r, reward: '1' }), /Toy-v0 returned a non-finite reward \("1"\) at step 7/],
    ['terminated: "no"', (r) => ({ ...r, terminated: 'no' }), /Toy-v0 returned terminated = "no" at step 7; it must be true or false/],
    ['truncated: 1', (r) => ({ ...r, truncated: 1 }), /Toy-v0 returned truncated = 1 at step 7/],
    ['obs: null', (r) => ({ ...r, obs: null }), /Toy-v0 returned an observation that is not 2 numbers \(got null\) at step 7/],
    ['a short obs', (r) => ({ ...r, obs: [1] }), /observation that is not 2 numbers .* at step 7/],
    ['an obs beyond float32', (r) => ({ ...r, obs: [1e39, 0] }), /non-finite observation \(obs\[0\] = 1e\+39\) at step 7/],
    ['undefined', () => undefined, /Toy-v0\.step\(\) returned undefined at step 7/],
  ];
  for (const [what, bad, msg] of faults) {
    it(`stops learn() on ${what}, naming the env, the step and the value, and stores nothing from that step`, async () => {
      const env = new Faulty({ step: 7, stepResult: bad });
      const agent = agentOn(env);
      await expect(agent.learn(30)).rejects.toThrow(msg);
      expect(agent.loop.steps).toBe(6);
      expect(agent.buffer.size).toBe(6);
    });
  }

  it('after a fault on the last step of an episode, the next learn() starts a fresh episode (no "called after the episode ended")', async () => {
    // Pendulum refuses a step after its episode ended (EpisodicEnv), as docs/USAGE.md's PointMass does.
    const env = makeEnv('Pendulum-v1', { maxEpisodeSteps: 20 });
    const step = env.step.bind(env);
    let n = 0;
    env.step = (a) => {
      const r = step(a);
      return ++n === 20 ? { ...r, reward: NaN } : r;
    };
    const agent = new DDPG(env, { ...SMALL, learningStarts: 5 });
    await expect(agent.learn(25)).rejects.toThrow(/Pendulum-v1 returned a non-finite reward \(NaN\) at step 20/);
    await agent.learn(25);
    expect(agent.loop.steps).toBe(19 + 25);
    expect(agent.loop.episodes).toBe(1); // the abandoned episode is not counted; the fresh one ended at its time limit
  });

  it('after a mid-episode fault, the next learn() stores no transition spanning two steps', async () => {
    const env = new Faulty({ step: 7, stepResult: (r) => ({ ...r, reward: NaN }) });
    const agent = agentOn(env, { gradientSteps: 0 });
    await expect(agent.learn(10)).rejects.toThrow(/at step 7/);
    await agent.learn(5);
    // Rows 0–5 are the first episode; row 6 must start from the fresh reset (x = 0.5, t = 0), not from step 6's s′.
    const rows = readRows(agent);
    expect(rows.length).toBe(11);
    expect(rows[6]!.obs).toEqual([0.5, 0]);
    for (let i = 7; i < 11; i++) expect(rows[i]!.obs).toEqual(rows[i - 1]!.nextObs);
  });

  for (const [what, value, msg] of [
    ['NaN', Float32Array.of(NaN, 0), /Toy-v0 returned a non-finite observation \(obs\[0\] = NaN\) at reset\(\)/],
    ['undefined', undefined, /Toy-v0 returned an observation that is not 2 numbers \(got undefined\) at reset\(\)/],
  ] as const) {
    it(`refuses reset() returning ${what} before acting on it, and recovers on the next learn()`, async () => {
      const env = new Faulty({ reset: 1, resetResult: value });
      const agent = agentOn(env);
      await expect(agent.learn(10)).rejects.toThrow(msg);
      expect(agent.loop.steps).toBe(0);
      expect(() => agent.save()).not.toThrow();
      await agent.learn(10);
      expect(agent.loop.steps).toBe(10);
    });
  }

  it('refuses an env without a time limit at construction (an evaluation would measure nothing)', () => {
    const env = new ToyEnv();
    Object.defineProperty(env, 'maxEpisodeSteps', { value: undefined });
    expect(() => agentOn(env)).toThrow(/Toy-v0 has maxEpisodeSteps undefined; it must be a positive integer/);
  });

  it('checks evalEnv before the first step, not at the first evaluation', async () => {
    const agent = agentOn(new ToyEnv());
    const wrong = makeEnv('Pendulum-v1');
    await expect(agent.learn(50, { evalEvery: 10, evalEnv: wrong, onEval: () => {} }))
      .rejects.toThrow(/learn: evalEnv must be an Env with 2-dimensional observations and 1-dimensional actions like the training env Toy-v0, got Pendulum-v1 \(obs 3/);
    expect(agent.loop.steps).toBe(0);
    await expect(agent.evaluate(1, wrong)).rejects.toThrow(/evaluate: env must be an Env with 2-dimensional/);
  });

  it('refuses evalEvery without onEval, which would evaluate for nothing', async () => {
    const agent = agentOn(new ToyEnv());
    await expect(agent.learn(10, { evalEvery: 5, evalEnv: new ToyEnv() })).rejects.toThrow(/evalEvery > 0 needs an onEval or onNewBest callback/);
    expect(agent.loop.steps).toBe(0);
  });

  it('refuses learn(n, null) with a TypeError naming the options', async () => {
    await expect(agentOn(new ToyEnv()).learn(1, null as never)).rejects.toThrow(new TypeError('learn: options must be an object, got null'));
  });
});

/** docs/USAGE.md's PointMass with its reward scaled by k (finite in float32 up to k ≈ 3e38). */
class PointMass extends EpisodicEnv {
  readonly id = 'PointMass-v0';
  readonly observationSpace = box([-10, -10], [10, 10]);
  readonly actionSpace = box([-1], [1]);
  protected readonly stateNames = ['x', 'v'];
  private x = 0;
  private v = 0;
  constructor(options: EnvOptions = {}, private readonly k = 1) { super(options, 50); }
  protected sampleInitialState(rng: Rng): void { this.x = rng.uniform(-1, 1); this.v = 0; }
  protected transition(action: Float32Array, out: Transition): void {
    this.v += 0.1 * Math.min(Math.max(action[0]!, -1), 1);
    this.x += 0.1 * this.v;
    out.reward = -this.x * this.x * this.k;
    out.terminated = Math.abs(this.x) > 10;
  }
  observation(): Float32Array { return Float32Array.of(this.x, this.v); }
  protected physicalState(): number[] { return [this.x, this.v]; }
  protected loadPhysicalState(s: ArrayLike<number>): void { this.x = s[0]!; this.v = s[1]!; }
}

/** Every parameter and Adam moment of an agent, as one list of arrays. */
const trainingState = (agent: Agent): Float32Array[] =>
  [...agent.parts.params.map((p) => p.tensor.f32.slice()), ...agent.parts.optims.flatMap((o) => [o.adam.m.f32.slice(), o.adam.v.f32.slice()])];

describe('an update that would overflow (issue 14, item 2)', () => {
  for (const k of [1e18, 1e30]) {
    it(`rewards scaled by ${k}: learn() stops with an error saying what overflowed and what to do; save() → load() still works`, async () => {
      const agent = new DDPG(new PointMass({ seed: 3 }, k), { seed: 3 });
      await expect(agent.learn(300)).rejects.toThrow(/critic: a gradient is not finite or beyond ±2\^63 .* scale the rewards down, or lower criticLr/);
      expect(trainingState(agent).every((a) => a.every(Number.isFinite))).toBe(true);
      const again = DDPG.load(agent.save(), new PointMass({}, k));
      expect(again.weightsHash()).toBe(agent.weightsHash());
    });
  }

  for (const [name, make, load] of [
    ['TD3', (env: Env): Agent => new TD3(env, { seed: 3 }), (b: Uint8Array): Agent => TD3.load(b, new PointMass({}, 1e18))],
    ['SAC', (env: Env): Agent => new SAC(env, { seed: 3 }), (b: Uint8Array): Agent => SAC.load(b, new PointMass({}, 1e18))],
  ] as const) {
    it(`${name}, rewards × 1e18: when one critic's gradient overflows, neither critic steps (critic 1 used to step before critic 2 refused)`, async () => {
      const agent = make(new PointMass({ seed: 3 }, 1e18));
      for (let round = 0; round < 3; round++) {
        await expect(agent.learn(300)).rejects.toThrow(/critic[12]: a gradient is not finite or beyond ±2\^63 .* so the step was not applied/);
        // Each critic took exactly one Adam step per completed update, none of the refused one.
        for (const o of agent.parts.optims.filter((x) => x.block.startsWith('critic'))) expect(o.adam.steps, o.block).toBe(agent.loop.updates);
        expect(trainingState(agent).every((x) => x.every(Number.isFinite))).toBe(true);
        expect(load(agent.save()).weightsHash()).toBe(agent.weightsHash());
      }
    }, 60_000);
  }

  for (const [name, make] of [
    ['DDPG', (env: Env) => new DDPG(env, { ...SMALL, seed: 1 })],
    ['TD3', (env: Env) => new TD3(env, { actorLayers: [8], criticLayers: [8], batchSize: 4, bufferSize: 64, seed: 1 })],
    ['SAC', (env: Env) => new SAC(env, { actorLayers: [8], criticLayers: [8], batchSize: 4, bufferSize: 64, seed: 1 })],
  ] as const) {
    it(`${name}: the refused update changes no parameter and no moment`, async () => {
      const agent: Agent = make(new PointMass({ seed: 1 }));
      await agent.learn(20);
      // Every row the next minibatch can draw now has a reward of 3e38: y and the critic's gradient overflow.
      for (let i = 0; i < 64; i++) agent.buffer.add([0, 0], [0], 3e38, [0, 0], false);
      const before = trainingState(agent), hash = agent.weightsHash();
      expect(() => agent.update()).toThrow(/a gradient is not finite or beyond ±2\^63/);
      expect(trainingState(agent)).toEqual(before);
      expect(agent.weightsHash()).toBe(hash);
    });
  }
});

describe('act(obs, { out })', () => {
  it('takes only a Float32Array of the action length (a Uint8Array would store −1.19 as 255)', () => {
    const agent = agentOn(makeEnv('Pendulum-v1'));
    const obs = [1, 0, 0];
    expect(() => agent.act(obs, { out: new Uint8Array(1) as never })).toThrow(/DDPG\.act: out must be a Float32Array of length 1, got Uint8Array of length 1/);
    expect(() => agent.act(obs, { out: [0] as never })).toThrow(/out must be a Float32Array of length 1, got Array/);
    expect(() => agent.act(obs, { out: new Float32Array(2) })).toThrow(/out must be a Float32Array of length 1, got Float32Array of length 2/);
  });
});

describe('hostile options', () => {
  const resolvers = [['DDPG', resolveConfig], ['TD3', resolveTD3Config], ['SAC', resolveSACConfig]] as const;
  for (const [name, resolve] of resolvers) {
    it(`${name}: keys named like Object.prototype members are unknown fields`, () => {
      for (const k of ['toString', 'hasOwnProperty', 'constructor', '__proto__']) {
        const o = JSON.parse(`{"${k}": 1}`) as object;
        expect(() => resolve(o as never)).toThrow(RangeError);
        expect(() => resolve(o as never)).toThrow(`${name} config: unknown field "${k}"`);
      }
    });

    it(`${name}: null, arrays and BigInt or circular values get a clear error, not a crash of the formatter`, () => {
      expect(() => resolve(null as never)).toThrow(new TypeError(`${name} options must be an object, got null`));
      expect(() => resolve([] as never)).toThrow(TypeError);
      expect(() => resolve({ gamma: 10n } as never)).toThrow(new RangeError(`${name} config: gamma must be a finite number in [0, 1], got 10n`));
      const cyc: Record<string, unknown> = {};
      cyc.self = cyc;
      expect(() => resolve({ tau: cyc } as never)).toThrow(new RangeError(`${name} config: tau must be a finite number in (0, 1], got object`));
    });
  }

  it('refuses unknown members inside actionNoise, naming them', () => {
    expect(() => resolveConfig({ actionNoise: { type: 'gaussian', sigma: 0.1, theta: 0.15 } as never }))
      .toThrow(/DDPG config: actionNoise\.theta must be absent: "gaussian" noise has only type, sigma, got 0\.15/);
    expect(() => resolveTD3Config({ actionNoise: { type: 'none', sigma: 1 } as never })).toThrow(/TD3 config: actionNoise\.sigma must be absent/);
    expect(() => resolveConfig({ actionNoise: JSON.parse('{"type":"ou","sigma":0.1,"theta":0.15,"dt":0.01,"__proto__":{"kind":"policy"}}') as never }))
      .toThrow(/actionNoise\.__proto__ must be absent/);
  });

  it('the constructors refuse null options with a TypeError naming the algorithm', () => {
    expect(() => new DDPG(makeEnv('Pendulum-v1'), null as never)).toThrow(new TypeError('DDPG options must be an object, got null'));
  });
});

/** The buffer's rows in order (it fills rows 0, 1, … before it wraps). */
function readRows(agent: DDPG): { obs: number[]; nextObs: number[] }[] {
  const out: { obs: number[]; nextObs: number[] }[] = [];
  const b = agent.buffer as unknown as { obs: Float32Array; nextObs: Float32Array; obsDim: number; size: number };
  for (let i = 0; i < b.size; i++) {
    out.push({ obs: Array.from(b.obs.subarray(i * b.obsDim, (i + 1) * b.obsDim)), nextObs: Array.from(b.nextObs.subarray(i * b.obsDim, (i + 1) * b.obsDim)) });
  }
  return out;
}
