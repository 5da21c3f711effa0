// The property-based robustness suite (issue 14, "How it is tested"): every
// public entry point gets random and hostile input — the configs of DDPG, TD3
// and SAC, act/learn/evaluate/save/load, Policy.load, the environments'
// step/reset/setState, and the CLI's flags — and for each call hostile.ts's
// attempt() asserts: a finite result or one of the library's own errors naming
// the field; no engine error; at most 64 MiB allocated and 5 s taken. After a
// call an agent must be sound: finite parameters and moments, a weightsHash,
// and a save() that loads back. Runs are seeded (deterministic) and small
// (a few seconds in all); afterAll prints the figures docs/PERFORMANCE.md records.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Agent } from '../../src/agents/agent.js';
import { resolveConfig } from '../../src/agents/ddpg-config.js';
import { DDPG } from '../../src/agents/ddpg.js';
import { resolveSACConfig } from '../../src/agents/sac-config.js';
import { SAC } from '../../src/agents/sac.js';
import { resolveTD3Config } from '../../src/agents/td3-config.js';
import { TD3 } from '../../src/agents/td3.js';
import { ALGORITHMS } from '../../src/cli/algos.js';
import { parseArgs } from '../../src/cli/args.js';
import { EVAL } from '../../src/cli/eval.js';
import { parseSets } from '../../src/cli/sets.js';
import { TRAIN } from '../../src/cli/train.js';
import { trainChoice } from '../../src/cli/train-setup.js';
import { box, EpisodicEnv, type Env, type EnvOptions, type StepResult, type Transition } from '../../src/envs/env.js';
import { makeEnv } from '../../src/envs/make.js';
import { NormalizeEnv } from '../../src/envs/normalize.js';
import { Policy } from '../../src/policy/policy.js';
import type { Rng } from '../../src/rng.js';
import { attempt, attemptAsync, edgeNumber, hostile, hostileEnv, named, own, PROTO_KEYS, runs, tally } from './hostile.js';

afterAll(() => {
  const t = tally.totals();
  console.log(`robustness figures: ${t.inputs} inputs; ${Object.entries(t.byKind).map(([k, n]) => `${k} ${n}`).join(', ')}; crashes ${t.crashes}; hangs ${t.hangs}`);
  console.log(Object.entries(tally.counts).map(([e, c]) => `  ${e}: ${JSON.stringify(c)}`).join('\n'));
  expect(t.crashes).toBe(0);
  expect(t.hangs).toBe(0);
});

/**
 * A point mass (docs/USAGE.md's custom env) whose step `faultAt` (lifetime, 1-based)
 * returns `fault(result)` instead, and whose rewards are scaled by `k`.
 */
class Mass extends EpisodicEnv {
  readonly id = 'Mass-v0';
  readonly observationSpace = box([-10, -10], [10, 10]);
  readonly actionSpace = box([-1], [1]);
  protected readonly stateNames = ['x', 'v'];
  lifetime = 0;
  faultAt = 0;
  fault: (r: StepResult) => unknown = (r) => r;
  private x = 0;
  private v = 0;
  constructor(options: EnvOptions = {}, private readonly k = 1) { super(options, 8); }
  protected sampleInitialState(rng: Rng): void { this.x = rng.uniform(-1, 1); this.v = 0; }
  protected transition(action: Float32Array, out: Transition): void {
    this.v += 0.1 * action[0]!;
    this.x += 0.1 * this.v;
    out.reward = -this.x * this.x * this.k;
    out.terminated = Math.abs(this.x) > 10;
  }
  override step(action: ArrayLike<number>): StepResult {
    const r = super.step(action);
    return (++this.lifetime === this.faultAt ? this.fault(r) : r) as StepResult;
  }
  observation(): Float32Array { return Float32Array.of(this.x, this.v); }
  protected physicalState(): number[] { return [this.x, this.v]; }
  protected loadPhysicalState(s: ArrayLike<number>): void { this.x = s[0]!; this.v = s[1]!; }
}

const TINY = { actorLayers: [5], criticLayers: [6], batchSize: 4, bufferSize: 64, learningStarts: 4 };
interface Algo {
  readonly name: string;
  make(env: Env, o?: object): Agent;
  load(b: Uint8Array, e?: Env): Agent;
  resolve(o: object): object;
}
const ALGOS: readonly Algo[] = [
  { name: 'DDPG', make: (env: Env, o: object = {}) => new DDPG(env, { ...TINY, criticStateLayers: [3], criticActionLayers: [], ...o }), load: (b: Uint8Array, e?: Env) => DDPG.load(b, e), resolve: resolveConfig as (o: object) => object },
  { name: 'TD3', make: (env: Env, o: object = {}) => new TD3(env, { ...TINY, ...o }), load: (b: Uint8Array, e?: Env) => TD3.load(b, e), resolve: resolveTD3Config as (o: object) => object },
  { name: 'SAC', make: (env: Env, o: object = {}) => new SAC(env, { ...TINY, ...o }), load: (b: Uint8Array, e?: Env) => SAC.load(b, e), resolve: resolveSACConfig as (o: object) => object },
];

/** The bytes of an agent's wasm memory (not in process.memoryUsage). */
const wasmBytes = (a: unknown): number => (a as { kernels?: { memory?: { buffer: ArrayBuffer } } })?.kernels?.memory?.buffer.byteLength ?? 0;

/** The agent is sound: finite parameters and Adam moments, a weightsHash, and save() → load() gives the same hash. */
function expectSound(agent: Agent, load: (b: Uint8Array, e?: Env) => Agent, env?: Env): void {
  for (const p of agent.parts.params) expect(p.tensor.f32.every(Number.isFinite), p.block).toBe(true);
  for (const o of agent.parts.optims) expect(o.adam.m.f32.every(Number.isFinite) && o.adam.v.f32.every(Number.isFinite), o.block).toBe(true);
  const hash = agent.weightsHash();
  expect(hash).toMatch(/^[0-9a-f]{8}$/);
  expect(load(agent.save(), env).weightsHash()).toBe(hash);
  expect(Policy.load(agent.save({ kind: 'policy' })).act(new Float32Array(agent.obsDim)).every(Number.isFinite)).toBe(true);
}

/** A config override: a known field, a prototype member name or a typo, with a hostile or edge value. */
const override = (fields: readonly string[]): fc.Arbitrary<[string, unknown]> =>
  fc.tuple(fc.oneof(fc.constantFrom(...fields), fc.constantFrom(...PROTO_KEYS, 'preset', 'backend', 'gama')), fc.oneof(hostile, edgeNumber, fc.integer({ min: 1, max: 8 }), fc.constantFrom([3], [], 'reference', 'lin_1e-3', 'lin_9', 'lin_')));

/** A hostile actionNoise: a known kind with one member replaced, an unknown member, or junk. */
const noise = fc.oneof(
  hostile,
  fc.tuple(fc.constantFrom('ou', 'gaussian', 'none'), fc.constantFrom('type', 'sigma', 'theta', 'dt', ...PROTO_KEYS), hostile).map(([type, k, v]) =>
    Object.assign({ type, ...(type !== 'none' ? { sigma: 0.1 } : {}), ...(type === 'ou' ? { theta: 0.15, dt: 0.01 } : {}) }, own(k, v))),
);

describe('configs of DDPG, TD3 and SAC', () => {
  for (const a of ALGOS) {
    const fields = Object.keys(a.resolve({}));
    it(`${a.name}: any override resolves to a valid config or is refused naming the field`, () => {
      fc.assert(fc.property(fc.array(override(fields), { minLength: 1, maxLength: 3 }), (kvs) => {
        const options = Object.assign({}, ...kvs.map(([k, v]) => own(k, v))) as object;
        const names = kvs.map(([k]) => k);
        attempt(`${a.name} config`, named(...names, 'options'), () => a.resolve(options), (c) => {
          for (const k of Object.keys(c)) expect(Object.hasOwn(c, k)).toBe(true);
          expect(Object.keys(c).sort()).toEqual(fields.slice().sort());
        });
        expect(({} as { kind?: unknown }).kind).toBeUndefined();
      }), runs(400));
    });

    if (a.name !== 'SAC') {
      it(`${a.name}: any actionNoise is valid or refused naming actionNoise.<member>`, () => {
        fc.assert(fc.property(noise, (n) => void attempt(`${a.name} config`, /actionNoise/, () => a.resolve({ actionNoise: n }))), runs(200));
      });
    }

    it(`${a.name}: options themselves hostile (null, BigInt, circular, arrays…) give a TypeError/RangeError naming them`, () => {
      fc.assert(fc.property(hostile, (o) => void attempt(`${a.name} config`, /options|config/, () => a.resolve(o as object))), runs(100));
    });

    it(`${a.name}: the constructor with hostile env or options: a sound agent, or refused naming the field`, () => {
      const env = new Mass();
      fc.assert(fc.property(fc.oneof(fc.oneof(hostile, hostileEnv).map((e) => ['env', e] as const), override(['actorLayers', 'criticLayers', 'batchSize', 'bufferSize', 'seed']).map((kv) => ['opt', kv] as const)), ([what, x]) => {
        const make = what === 'env' ? () => a.make(x as Env) : () => a.make(env, own(...(x as [string, unknown])));
        attempt(`new ${a.name}`, what === 'env' ? /env/ : named((x as unknown as [string])[0], 'options'), make, (agent) => expect(agent.weightsHash()).toMatch(/^[0-9a-f]{8}$/), wasmBytes);
      }), runs(60));
    });
  }
});

describe('act(obs, options)', () => {
  const obsArb = fc.oneof(hostile, fc.array(fc.oneof(hostile, fc.double()), { minLength: 2, maxLength: 2 }));
  const optsArb = fc.oneof(hostile, fc.constant(undefined), fc.record({ out: hostile, explore: hostile }, { requiredKeys: [] }));
  for (const a of ALGOS) {
    it(`${a.name}: a finite action in bounds, or refused naming obs, out or options`, () => {
      const agent = a.make(new Mass());
      fc.assert(fc.property(obsArb, optsArb, (obs, opts) => {
        attempt(`${a.name}.act`, /obs|out|options|explore/, () => agent.act(obs as number[], opts as never), (r) => {
          expect(r).toBeInstanceOf(Float32Array);
          expect(r.every((x) => Number.isFinite(x) && Math.abs(x) <= 1)).toBe(true);
        });
      }), runs(300));
      expectSound(agent, a.load, new Mass());
    });
  }

  it('Policy.act: a finite action, or refused naming obs or out', () => {
    const policy = Policy.load(ALGOS[0]!.make(new Mass()).save({ kind: 'policy' }));
    fc.assert(fc.property(obsArb, fc.oneof(hostile, fc.constant(undefined)), (obs, out) => void attempt('Policy.act', /obs|out/, () => policy.act(obs as number[], out as never))), runs(200));
  });
});

describe('learn(totalSteps, options) and evaluate(episodes, env)', () => {
  const small = fc.oneof(hostile, fc.integer({ min: 0, max: 12 }));
  const learnOpts = fc.oneof(hostile, fc.record({
    evalEvery: small, evalEpisodes: small, evalEnv: fc.oneof(hostile, fc.constant(null).map(() => new Mass())),
    onStep: fc.oneof(hostile, fc.constant(() => {})), onEpisode: hostile, onEval: fc.oneof(hostile, fc.constant(() => {})), onNewBest: fc.oneof(hostile, fc.constant(() => {})), signal: hostile,
  }, { requiredKeys: [] }));

  for (const a of ALGOS) {
    it(`${a.name}: learn() succeeds or is refused naming the argument, and the agent stays sound`, async () => {
      const agent = a.make(new Mass());
      await fc.assert(fc.asyncProperty(small, learnOpts, async (n, o) => {
        await attemptAsync(`${a.name}.learn`, /totalSteps|options|evalEvery|evalEpisodes|evalEnv|onStep|onEpisode|onEval|onNewBest|signal/, () => agent.learn(n as number, o as never), () => {});
      }), runs(40));
      expectSound(agent, a.load, new Mass());
    });

    it(`${a.name}: evaluate() gives finite returns or is refused naming episodes or env`, async () => {
      const agent = a.make(new Mass());
      const noLimit = Object.assign(new Mass(), { maxEpisodeSteps: undefined });
      await fc.assert(fc.asyncProperty(small, fc.oneof(hostile, hostileEnv, fc.constantFrom(undefined, noLimit), fc.constant(null).map(() => new Mass())), async (n, env) => {
        await attemptAsync(`${a.name}.evaluate`, /episodes|env/, () => agent.evaluate(n as number, env as Env));
      }), runs(60));
    });
  }
});

describe('a faulting environment (issue 14, item 3)', () => {
  const badField = fc.oneof(
    fc.tuple(fc.constantFrom('reward', 'obs', 'terminated', 'truncated'), hostile).map(([k, v]) => (r: StepResult) => ({ ...r, [k]: v })),
    hostile.map((v) => () => v),
  );
  for (const a of ALGOS) {
    it(`${a.name}: a fault at any step stops learn() naming the env and the step, stores nothing from it, and the next learn() recovers`, async () => {
      await fc.assert(fc.asyncProperty(fc.integer({ min: 1, max: 20 }), badField, async (at, fault) => {
        const env = new Mass({ seed: at });
        env.faultAt = at;
        env.fault = fault;
        const agent = a.make(env);
        const outcome = await attemptAsync(`${a.name}.learn (faulty env)`, new RegExp(`Mass-v0.*step ${at}`), () => agent.learn(20), () => {});
        if (outcome !== 'ok') {
          // The refused step stored nothing; training resumes from a fresh episode.
          expect(agent.loop.steps).toBe(at - 1);
          expect(agent.buffer.size).toBe(at - 1);
          await agent.learn(5);
          expect(agent.loop.steps).toBe(at + 4);
        }
        expectSound(agent, a.load, new Mass());
      }), runs(25));
    });

    it(`${a.name}: rewards scaled by any factor: learn() trains finitely, or stops before the poisoned step saying to scale the rewards`, async () => {
      await fc.assert(fc.asyncProperty(fc.oneof(fc.constantFrom(1e18, 1e30, 3e38, 1e38), fc.double({ min: 1, max: 3e38, noNaN: true })), async (k) => {
        const agent = a.make(new Mass({ seed: 1 }, k), { learningStarts: 2, batchSize: 2 });
        await attemptAsync(`${a.name}.learn (scaled rewards)`, /scale the rewards|non-finite reward/, () => agent.learn(16), () => {});
        expectSound(agent, a.load, new Mass({}, k));
      }), runs(12));
    });
  }
});

describe('save() and load()', () => {
  const saved = ALGOS.map((a) => ({ a, agent: a.make(new Mass()) }));
  for (const { a, agent } of saved) {
    it(`${a.name}: save(options) gives bytes that load back, or refuses naming kind/options`, () => {
      fc.assert(fc.property(fc.oneof(hostile, fc.record({ kind: hostile })), (o) => {
        attempt(`${a.name}.save`, /kind|options/, () => agent.save(o as never), (bytes) => {
          expect(bytes).toBeInstanceOf(Uint8Array);
          if ((o as { kind?: unknown })?.kind === 'policy') Policy.load(bytes);
          else a.load(bytes, new Mass());
        });
      }), runs(100));
    });

    it(`${a.name}.load and Policy.load: hostile bytes or env are refused with a documented error`, () => {
      const good = agent.save(), policy = agent.save({ kind: 'policy' });
      const corrupt = fc.tuple(fc.nat(good.length - 1), fc.integer({ min: 1, max: 255 })).map(([i, x]) => {
        const b = good.slice();
        b[i] = b[i]! ^ x;
        return b;
      });
      const truncated = fc.nat(good.length - 1).map((n) => good.slice(0, n));
      const file = /checkpoint|policy|file|bytes|ddpg-wasm|env|Mass|Almost/;
      fc.assert(fc.property(fc.oneof(hostile, corrupt, truncated, fc.constant(good)), fc.oneof(hostile, hostileEnv, fc.constant(undefined), fc.constant(null).map(() => new Mass())), (bytes, env) => {
        attempt(`${a.name}.load`, file, () => a.load(bytes as Uint8Array, env as Env), (r) => expectSound(r, a.load, new Mass()), wasmBytes);
        attempt('Policy.load', file, () => Policy.load(bytes as Uint8Array), (p) => expect(p.act(new Float32Array(2)).every(Number.isFinite)).toBe(true));
      }), runs(80));
      expect(Policy.load(policy).act([0, 0]).every(Number.isFinite)).toBe(true);
    });
  }
});

describe('NormalizeEnv: options and setStats', () => {
  const key = fc.constantFrom('obs', 'reward', 'clipObs', 'clipReward', 'gamma', 'epsilon', 'clip', ...PROTO_KEYS);
  const options = fc.oneof(hostile, fc.dictionary(key, fc.oneof(hostile, edgeNumber, fc.boolean()), { maxKeys: 4 }));

  it('new NormalizeEnv(env, options) succeeds or is refused naming NormalizeEnv; a made one steps finitely', () => {
    fc.assert(fc.property(fc.oneof(hostileEnv, fc.constant(null).map(() => new Mass())), options, (env, o) => void attempt('NormalizeEnv', /NormalizeEnv/, () => {
      const e = new NormalizeEnv(env as Env, o as never);
      e.reset(1);
      return e.step([0.5]).obs;
    })), runs(300));
  });

  it('setStats(state) restores a state or is refused naming the field, leaving a sound env', () => {
    const good = new NormalizeEnv(new Mass()).getStats();
    const state = fc.oneof(hostile, fc.tuple(fc.constantFrom(...Object.keys(good), ...PROTO_KEYS), fc.oneof(hostile, edgeNumber)).map(([k, v]) => ({ ...good, ...own(k, v) })));
    fc.assert(fc.property(state, (st) => {
      const e = new NormalizeEnv(new Mass());
      attempt('NormalizeEnv.setStats', /NormalizeEnv\.setStats: \w+|obs|reward|clip|gamma|epsilon/, () => e.setStats(st as never), () => {});
      e.reset(2);
      expect([...e.step([0.1]).obs].every(Number.isFinite)).toBe(true);
    }), runs(300));
  });
});

describe('environments: makeEnv, reset, step, setState', () => {
  for (const id of ['Pendulum-v1', 'MountainCarContinuous-v0'] as const) {
    it(`${id}: any action, seed or state gives finite steps, or an error naming it`, () => {
      const env = makeEnv(id) as EpisodicEnv;
      const n = env.observationSpace.shape[0]!;
      fc.assert(fc.property(
        fc.oneof(hostile, fc.array(fc.oneof(hostile, fc.double()), { minLength: 1, maxLength: 1 })),
        fc.oneof(hostile, fc.array(fc.oneof(fc.double(), hostile), { minLength: n === 3 ? 2 : 2, maxLength: 2 }), fc.record({ state: hostile, elapsedSteps: hostile, status: hostile, rng: hostile, id: fc.constant(id), stateDtype: hostile })),
        fc.oneof(hostile, fc.maxSafeNat()),
        (action, state, seed) => {
          attempt(`${id}.reset`, /seed/, () => env.reset(seed as number));
          attempt(`${id}.setState`, /setState|state|elapsedSteps|status|rng|stateDtype/, () => env.setState(state as number[]), () => {});
          if (env.episodeStatus === 'running') attempt(`${id}.step`, /action|step/, () => env.step(action as number[]), (r) => void numbersIn(r));
        }), runs(200));
    });
  }

  it('makeEnv: any id and options build an env or are refused naming them', () => {
    fc.assert(fc.property(fc.oneof(hostile, fc.constantFrom('Pendulum-v1', 'MountainCarContinuous-v0')),
      fc.oneof(hostile, fc.tuple(fc.constantFrom('seed', 'g', 'maxEpisodeSteps', 'goalVelocity', 'power', ...PROTO_KEYS), hostile).map(([k, v]) => own(k, v))),
      (id, options) => void attempt('makeEnv', /makeEnv|id|option|seed|maxEpisodeSteps|g must|goalVelocity|power/, () => makeEnv(id as string, options as never), () => {})), runs(200));
  });
});

describe('CLI flags (train, eval)', () => {
  const hostileWord = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...PROTO_KEYS, '', '-', '--', '-h', '1e400', '-1', '2e4', '20_000', '9007199254740993', 'NaN', 'ddpg', 'td3', 'sac', 'keras', 'paper', 'Pendulum-v1'));
  const setItem = fc.oneof(
    fc.tuple(fc.constantFrom('actorLr', 'actionNoise', 'actionNoise.sigma', 'actionNoise.__proto__.kind', 'actionNoise.constructor.prototype.kind', '__proto__.kind', 'actorLayers', 'seed', 'toString', 'alpha', 'policyDelay',
      'normalize', 'normalize.clipObs', 'normalize.__proto__.kind', 'scheduleSteps', 'criticLr'),
      fc.constantFrom('5e-4', '1e400', 'NaN', '"policy"', '{"type":"ou"}', '[64,64]', '[]', '{"__proto__":{"kind":"policy"}}', 'null', '10n', '-1', 'true', 'false', 'lin_1e-3', 'lin_x', '{"obs":false,"reward":false}')).map(([k, v]) => `${k}=${v}`),
    hostileWord,
  );
  const token = fc.oneof(
    fc.constantFrom(...TRAIN.flags.map((f) => `--${f.name}`), '--set', '--set', '--verbose', '--bogus'),
    setItem, hostileWord,
    fc.tuple(fc.constantFrom(...TRAIN.flags.map((f) => f.name)), hostileWord).map(([f, v]) => `--${f}=${v}`),
  );

  it('train: any argv gives a checked config or a UsageError naming the flag or field', () => {
    fc.assert(fc.property(fc.array(token, { maxLength: 6 }), (argv) => {
      attempt('CLI train flags', /--|argument|field|config|set|unknown|normalize/, () => trainChoice(parseArgs(TRAIN, argv)), () => {});
      expect(({} as { kind?: unknown }).kind).toBeUndefined();
      expect(Object.keys(Object.prototype)).toEqual([]);
    }), runs(400));
  });

  it('eval: any argv parses or gives a UsageError naming the flag', () => {
    fc.assert(fc.property(fc.array(fc.oneof(token, fc.constantFrom(...EVAL.flags.map((f) => `--${f.name}`))), { maxLength: 6 }), (argv) => {
      attempt('CLI eval flags', /--|argument/, () => parseArgs(EVAL, argv), () => {});
    }), runs(200));
  });

  it('--set: any item sets a copy of a field or is refused; the prototype stays clean', () => {
    fc.assert(fc.property(fc.constantFrom('ddpg', 'td3', 'sac'), fc.array(setItem, { maxLength: 3 }), (name, items) => {
      const algo = ALGORITHMS[name]!;
      attempt('CLI --set', /--set|field|member|object/, () => parseSets(items, algo, Object.keys(algo.presets)[0]!, 'train'), () => {});
      expect(({} as { kind?: unknown }).kind).toBeUndefined();
    }), runs(200));
  });
});

function numbersIn(r: StepResult): void {
  expect([...r.obs, r.reward].every(Number.isFinite)).toBe(true);
}
