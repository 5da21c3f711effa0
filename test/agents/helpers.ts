// Shared pieces of the agent tests: small configs that train in milliseconds,
// and tiny custom environments (one that terminates, one that goes bad).
import type { DDPGOptions } from '../../src/agents/ddpg-config.js';
import type { Box, Env, StepResult } from '../../src/envs/env.js';
import { box } from '../../src/envs/env.js';
import { makeEnv } from '../../src/envs/make.js';
import { DDPG } from '../../src/agents/ddpg.js';
import type { Backend } from '../../src/kernels/index.js';
import { describe, expect, it } from 'vitest';

/**
 * A small DDPG (same topology as the keras preset: state and action branches,
 * concatenation, trunk) that runs a few hundred steps in tens of milliseconds.
 * Odd widths so the GEMM's row (4) and column (8) tails are exercised.
 */
export const SMALL: DDPGOptions = Object.freeze({
  actorLayers: [13, 9],
  criticStateLayers: [5, 11],
  criticActionLayers: [6],
  criticLayers: [17, 10],
  batchSize: 7,
  bufferSize: 1000,
});

/** Pendulum-v1 with a short time limit, so a few hundred steps span several episodes. */
export const SHORT_PENDULUM = { maxEpisodeSteps: 50 } as const;

export function smallAgent(seed = 0, extra: DDPGOptions & { backend?: Backend } = {}, env: Env = makeEnv('Pendulum-v1', SHORT_PENDULUM)): DDPG {
  return new DDPG(env, { ...SMALL, seed, ...extra });
}

/** Bit-exact equality of two byte arrays (faster and clearer in failures than toEqual on 100 kB). */
export function firstByteDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

export interface ToyOptions {
  /** Episode ends with terminated = true after this many steps (0 = never). */
  readonly terminateAt?: number;
  /** Time limit (truncated = true). */
  readonly maxEpisodeSteps?: number;
  /** Lifetime step (1-based, counted across episodes) whose observation is NaN. */
  readonly nanObsAt?: number;
  /** Lifetime step whose reward is NaN. */
  readonly nanRewardAt?: number;
  /** Lifetime step whose reward is +Infinity. */
  readonly infRewardAt?: number;
}

/**
 * A deterministic toy env: 2-D observation (x, t/10), action in [−1, 1],
 * x ← x + 0.1·a, reward −x². No generator, no snapshot: it exercises the
 * custom-env paths (no getState/setState).
 */
export class ToyEnv implements Env {
  readonly id = 'Toy-v0';
  readonly observationSpace: Box = box([-10, -10], [10, 10]);
  readonly actionSpace: Box = box([-1], [1]);
  readonly maxEpisodeSteps: number;
  /** Steps over the env's life. */
  lifetimeSteps = 0;
  private x = 0;
  private t = 0;

  constructor(private readonly o: ToyOptions = {}) {
    this.maxEpisodeSteps = o.maxEpisodeSteps ?? 1000;
  }

  reset(): Float32Array {
    this.x = 0.5;
    this.t = 0;
    return this.obs();
  }

  step(action: ArrayLike<number>): StepResult {
    this.lifetimeSteps++;
    this.t++;
    this.x += 0.1 * action[0]!;
    const obs = this.obs();
    if (this.lifetimeSteps === this.o.nanObsAt) obs[1] = NaN;
    let reward = -this.x * this.x;
    if (this.lifetimeSteps === this.o.nanRewardAt) reward = NaN;
    if (this.lifetimeSteps === this.o.infRewardAt) reward = Infinity;
    const terminated = this.o.terminateAt !== undefined && this.o.terminateAt > 0 && this.t >= this.o.terminateAt;
    return { obs, reward, terminated, truncated: !terminated && this.t >= this.maxEpisodeSteps };
  }

  private obs(): Float32Array {
    return Float32Array.of(this.x, this.t / 10);
  }
}

/** What the shared agent tests below need of TD3 and SAC. */
interface TrainableAgent {
  learn(steps: number): Promise<unknown>;
  weightsHash(): string;
  save(): Uint8Array;
  readonly backend: Backend;
}

/**
 * The determinism block TD3 and SAC share: same seed ⇒ same weightsHash and
 * save() bytes, another seed ⇒ another hash, wasm ≡ reference backend.
 * `small(seed, extra)` builds the file's small agent.
 */
export function describeDeterminism(name: string, small: (seed: number, extra?: { backend?: Backend }) => TrainableAgent): void {
  describe(`${name}: determinism`, () => {
    it('gives the same weightsHash and save() bytes for the same seed', async () => {
      const a = small(3), b = small(3);
      await a.learn(200);
      await b.learn(200);
      expect(a.weightsHash()).toBe(b.weightsHash());
      expect(firstByteDifference(a.save(), b.save())).toBe(-1);
    });

    it('gives a different weightsHash for a different seed', async () => {
      const a = small(3), b = small(4);
      await a.learn(200);
      await b.learn(200);
      expect(a.weightsHash()).not.toBe(b.weightsHash());
    });

    it('trains bit-identically on the wasm and the reference backends', async () => {
      const w = small(5, { backend: 'wasm' }), r = small(5, { backend: 'reference' });
      await w.learn(80);
      await r.learn(80);
      expect(r.backend).toBe('reference');
      expect(w.weightsHash()).toBe(r.weightsHash());
    });
  });
}

/**
 * Save after 130 steps, load into a fresh SHORT_PENDULUM env, learn 100 more;
 * expects the same weightsHash and save() bytes as 230 steps straight through
 * (mid-episode: 130 is not a multiple of 50). Returns both agents for extra checks.
 */
export async function resumeEqualsStraight<A extends TrainableAgent>(small: (seed: number) => A, load: (bytes: Uint8Array, env: Env) => A): Promise<{ straight: A; resumed: A }> {
  const straight = small(8);
  await straight.learn(230);
  const first = small(8);
  await first.learn(130);
  const resumed = load(first.save(), makeEnv('Pendulum-v1', SHORT_PENDULUM));
  await resumed.learn(100);
  expect(resumed.weightsHash()).toBe(straight.weightsHash());
  expect(firstByteDifference(resumed.save(), straight.save())).toBe(-1);
  return { straight, resumed };
}
