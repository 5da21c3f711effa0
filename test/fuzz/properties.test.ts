// Single-field properties (one per fixed bug, with the exact message); entry-points.test.ts fuzzes every public entry point.
// The documented promise (docs/PERFORMANCE.md, "Reliability"), per public entry point: "bad input gets a clear error
// that names the field and the allowed range; nothing is silently NaN; a broken
// checkpoint is refused whole". Each case below was accepted silently (or failed
// with a bare error from deep inside) before it was fixed; the property tests say
// "for any value of X: either the result is finite, or a RangeError/TypeError
// names X".
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeContainer } from '../../src/nn/container.js';
import { encodeContainer } from '../../src/nn/container-write.js';
import { DDPG } from '../../src/agents/ddpg.js';
import { resolveConfig } from '../../src/agents/ddpg-config.js';
import { evalSeed } from '../../src/agents/loop.js';
import { SAC } from '../../src/agents/sac.js';
import { makeEnv } from '../../src/envs/make.js';
import { Arena } from '../../src/kernels/arena.js';
import { createKernels } from '../../src/kernels/index.js';
import { Policy } from '../../src/policy/policy.js';
import { ReplayBuffer } from '../../src/rl/buffer.js';
import { GaussianNoise, OrnsteinUhlenbeckNoise } from '../../src/rl/noise.js';
import { Rng } from '../../src/rng.js';
import { SMALL, smallAgent } from '../agents/helpers.js';

/** Runs f: true when it returned, else the error must be a RangeError/TypeError whose message contains `field`. */
function finiteOrNamed(field: string | RegExp, f: () => ArrayLike<number> | number): void {
  let r: ArrayLike<number> | number;
  try {
    r = f();
  } catch (e) {
    expect([RangeError, TypeError]).toContain((e as Error).constructor);
    expect((e as Error).message).toMatch(field);
    return;
  }
  const xs = typeof r === 'number' ? [r] : Array.from(r);
  expect(xs.every(Number.isFinite), `non-finite result ${xs.join(', ')}`).toBe(true);
}

/** Any double, including NaN, ±Infinity, huge and float32-overflowing values. */
const anyDouble = fc.oneof(fc.double(), fc.constantFrom(3.5e38, -1e39, 1e300, Number.MAX_VALUE));

describe('act(): observations', () => {
  // 1e39 is a finite double but ±Infinity in float32: it used to come out as a NaN action.
  it('DDPG, SAC and Policy refuse an observation that overflows float32, naming obs[i]', () => {
    const ddpg = smallAgent();
    const sac = new SAC(makeEnv('Pendulum-v1'), { actorLayers: [8], criticLayers: [8] });
    const policy = Policy.load(ddpg.save({ kind: 'policy' }));
    for (const act of [(o: number[]) => ddpg.act(o), (o: number[]) => sac.act(o), (o: number[]) => policy.act(o)]) {
      expect(() => act([1e39, 0, 0])).toThrow(/obs\[0\] is 1e\+39 \(must be finite in float32\)/);
    }
  });

  it('for any obs[1]: a finite action, or an error naming obs[1]', () => {
    const agent = smallAgent();
    fc.assert(fc.property(anyDouble, (v) => finiteOrNamed('obs[1]', () => agent.act([1, v, 0]))));
  });
});

describe('exploration noise', () => {
  // θ·dt = 3: x ← x − 2x + … doubles |x| each step: NaN after ~1000 steps.
  it('refuses an Ornstein-Uhlenbeck θ·dt above 2 (the update would diverge)', () => {
    expect(() => resolveConfig({ actionNoise: { type: 'ou', sigma: 0.2, theta: 3, dt: 1 } }))
      .toThrow(/DDPG config: actionNoise\.theta·dt must be a finite number in \[0, 2\], got 3/);
    expect(() => new OrnsteinUhlenbeckNoise({ dim: 1, theta: 3, dt: 1 })).toThrow(/theta·dt must be a finite number in \[0, 2\]/);
  });

  it('for any σ, θ, dt, μ, x₀ and scale: 300 finite samples, or an error naming the field', () => {
    const rng = new Rng(0), out = new Float32Array(2);
    const field = /sigma|theta|dt|mean|x0|scale/;
    fc.assert(fc.property(anyDouble, anyDouble, anyDouble, anyDouble, anyDouble, (sigma, theta, dt, mean, scale) => {
      finiteOrNamed(field, () => {
        const ou = new OrnsteinUhlenbeckNoise({ dim: 2, sigma, theta, dt, mean, x0: -mean });
        const g = new GaussianNoise({ dim: 2, sigma, mean });
        for (let i = 0; i < 300; i++) ou.sample(rng, out, scale);
        return [...ou.sample(rng, out, scale), ...g.sample(rng, out, scale)];
      });
    }), { numRuns: 200 });
  });
});

describe('environments', () => {
  // g = 1e308 gives 3g/2 = ∞ and ∞·sin 0 = NaN in the first step at θ = 0.
  it('for any Pendulum g: finite steps from θ = 0, or an error naming g and its range', () => {
    fc.assert(fc.property(anyDouble, (g) => finiteOrNamed(/g must be a finite number in \[-1e6, 1e6\]/, () => {
      const env = makeEnv('Pendulum-v1', { g });
      env.setState([0, 0]);
      const r = env.step([0]);
      return [...r.obs, r.reward];
    })));
  });

  it('makeEnv refuses a misspelt option instead of silently using the default physics', () => {
    expect(() => makeEnv('Pendulum-v1', { gravity: 2 } as never)).toThrow(/unknown option gravity for Pendulum-v1 \(known: seed, g, maxEpisodeSteps\)/);
    expect(() => makeEnv('Pendulum-v1', null as never)).toThrow(/makeEnv: options must be an object, got null/);
  });

  it('an agent refuses something that is not an Env with a TypeError, not a crash deep inside', () => {
    expect(() => new DDPG(null as never, SMALL)).toThrow(TypeError);
    expect(() => new DDPG({} as never, SMALL)).toThrow(/env must be an Env with observationSpace and actionSpace/);
  });
});

describe('ReplayBuffer', () => {
  it('for any stored value: it comes back finite, or add() names the field', () => {
    const buf = new ReplayBuffer(4, 1, 1);
    const into = { obs: new Float32Array(1), action: new Float32Array(1), reward: new Float32Array(1), nextObs: new Float32Array(1), done: new Float32Array(1) };
    fc.assert(fc.property(fc.constantFrom('obs', 'action', 'reward', 'nextObs'), anyDouble, (field, v) => {
      finiteOrNamed(field, () => {
        buf.clear();
        const row = { obs: 0, action: 0, reward: 0, nextObs: 0, [field]: v };
        buf.add([row.obs], [row.action], row.reward, [row.nextObs], false);
        buf.sample(1, new Rng(0), into);
        return [into.obs[0]!, into.action[0]!, into.reward[0]!, into.nextObs[0]!];
      });
    }));
  });

  it('names the capacity when the rows cannot be allocated (instead of "Invalid typed array length")', () => {
    expect(() => new ReplayBuffer(2 ** 31, 3, 1)).toThrow(/ReplayBuffer: capacity \(bufferSize\) 2147483648 × obsDim 3 floats cannot be allocated/);
  });
});

describe('memory', () => {
  it('networks that do not fit in wasm memory get a RangeError naming widths and batchSize', () => {
    expect(() => smallAgent(0, { actorLayers: [65536, 65536] })).toThrow(/Arena: \d+ MiB .*narrower layers or a smaller batchSize/);
    const arena = new Arena(createKernels('reference'));
    arena.alloc('huge', 2 ** 31);
    expect(() => arena.commit()).toThrow(RangeError);
  });
});

describe('learn() and evaluate()', () => {
  it('refuses a callback that is not a function before taking a step', async () => {
    const agent = smallAgent();
    await expect(agent.learn(10, { onStep: 5 as never })).rejects.toThrow(/learn: onStep must be a function, got 5/);
    expect(agent.loop.steps).toBe(0);
  });

  it('caps evaluate() episodes as learn() caps evalEpisodes (1e12 episodes would hang)', async () => {
    await expect(smallAgent().evaluate(1e12)).rejects.toThrow(/evaluate: episodes must be an integer in \[1, 100000\], got 1000000000000/);
  });

  it('evalSeed: for any seed and k, a valid seed or an error naming the argument', () => {
    fc.assert(fc.property(fc.oneof(fc.integer(), fc.double(), fc.maxSafeNat()), fc.oneof(fc.integer(), fc.double()), (seed, k) => {
      finiteOrNamed(/seed|k must be/, () => {
        const s = evalSeed(seed, k);
        expect(Number.isSafeInteger(s) && s >= 0).toBe(true);
        return s;
      });
    }));
  });
});

describe('Rng', () => {
  it('refuses a stream name that is not a string (5 and 7 used to give the same stream)', () => {
    expect(() => new Rng(0, 5 as never)).toThrow(/Rng: stream must be a string, got 5/);
  });

  it('for any bounds: uniform() is finite, or it names lo and hi', () => {
    const rng = new Rng(0);
    fc.assert(fc.property(anyDouble, anyDouble, (lo, hi) => finiteOrNamed('lo and hi', () => rng.uniform(lo, hi))));
  });
});

describe('forged checkpoints (valid checksum)', () => {
  it('refuses a negative Adam second moment (√v would make the next update NaN)', async () => {
    const a = smallAgent();
    await a.learn(20);
    const { header, blocks } = decodeContainer(a.save(), 'test', ['full']);
    const { blocks: _list, ...rest } = header;
    void _list;
    const edited = [...blocks].map(([name, data]) => ({ name, data: name === 'actor.adam.v' ? new Float32Array(data.length).fill(-1) : data }));
    expect(() => DDPG.load(encodeContainer(rest, edited), makeEnv('Pendulum-v1', { maxEpisodeSteps: 50 })))
      .toThrow(/checkpoint refused: a negative Adam second moment/);
  });

  it('Policy.load refuses an output scale that overflows float32 (act() returned Infinity)', () => {
    const { header, blocks } = decodeContainer(smallAgent().save({ kind: 'policy' }), 'test', ['policy']);
    const { blocks: _list, ...rest } = structuredClone(header) as typeof header & { actor: { spec: { layers: { scale?: number }[] } } };
    void _list;
    rest.actor.spec.layers[rest.actor.spec.layers.length - 1]!.scale = 1e300;
    const bytes = encodeContainer(rest, [...blocks].map(([name, data]) => ({ name, data })));
    expect(() => Policy.load(bytes)).toThrow(/scale must be a finite number > 0, got 1e\+300/);
  });
});
