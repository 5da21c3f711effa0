// `ddpg-wasm eval` on the two files a short run writes (200 steps, no periodic evaluation).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DDPG } from '../../src/agents/ddpg.js';
import { makeEnv } from '../../src/envs/make.js';
import { Policy } from '../../src/policy/policy.js';
import { cli, ensureBuilt, tempDir } from './helpers.js';

let dir: string;

interface EvalJson { kind: string; env: string; episodes: number; seed: number; mean: number; std: number; returns: number[] }
const evalJson = async (...args: string[]): Promise<EvalJson> => {
  const r = await cli('eval', ...args, '--json');
  if (r.code !== 0) throw new Error(`eval exited with ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as EvalJson;
};

beforeAll(async () => {
  await ensureBuilt();
  dir = join(tempDir(), 'run');
  const r = await cli('train', '--steps', '200', '--eval-every', '0', '--eval-episodes', '1', '--out', dir, '--quiet');
  if (r.code !== 0) throw new Error(`train failed: ${r.stderr}`);
}, 180_000);

describe('ddpg-wasm eval', () => {
  it('reads a full checkpoint', async () => {
    const r = await evalJson('--checkpoint', join(dir, 'checkpoint.ddpg'), '--episodes', '3');
    expect(r).toMatchObject({ kind: 'full', env: 'Pendulum-v1', episodes: 3, seed: 1 });
    expect(r.returns).toHaveLength(3);
  });

  it('reads a policy-only file and gets the returns of the full checkpoint', async () => {
    const full = await evalJson('--checkpoint', join(dir, 'checkpoint.ddpg'), '--episodes', '2');
    const policy = await evalJson('--checkpoint', join(dir, 'policy.ddpg'), '--episodes', '2');
    expect(policy.kind).toBe('policy');
    expect(policy.returns).toEqual(full.returns);
  });

  it('reports the mean and the population std of the returns', async () => {
    const r = await evalJson('--checkpoint', join(dir, 'policy.ddpg'), '--episodes', '3', '--seed', '7');
    const mean = r.returns.reduce((s, x) => s + x, 0) / 3;
    expect(r.mean).toBeCloseTo(mean, 9);
    expect(r.std).toBeCloseTo(Math.sqrt(r.returns.reduce((s, x) => s + (x - mean) ** 2, 0) / 3), 9);
  });

  it('uses --seed for the episode starts (different seeds, different returns)', async () => {
    const a = await evalJson('--checkpoint', join(dir, 'policy.ddpg'), '--episodes', '1', '--seed', '1');
    const b = await evalJson('--checkpoint', join(dir, 'policy.ddpg'), '--episodes', '1', '--seed', '2');
    expect(a.returns[0]).not.toBe(b.returns[0]);
  });

  it('takes every seed up to 2^53 − 1: the episodes after it wrap around to 0, 1, … (reported exactly)', async () => {
    const top = Number.MAX_SAFE_INTEGER;
    const r = await evalJson('--checkpoint', join(dir, 'policy.ddpg'), '--episodes', '3', '--seed', String(top));
    expect(r.seed).toBe(top);
    const wrapped = await evalJson('--checkpoint', join(dir, 'policy.ddpg'), '--episodes', '2', '--seed', '0');
    expect(r.returns.slice(1)).toEqual(wrapped.returns);
    const text = await cli('eval', '--checkpoint', join(dir, 'policy.ddpg'), '--episodes', '3', '--seed', String(top));
    expect(text.stdout).toContain(`seeds ${top}…1`);
  });

  it('prints mean, std and every return for people', async () => {
    const r = await cli('eval', '--checkpoint', join(dir, 'policy.ddpg'), '--episodes', '2');
    expect(r.stdout).toMatch(/mean return -?\d+\.\d\d, std \d+\.\d\d\nreturns: -?\d+\.\d\d -?\d+\.\d\d\n$/);
  });

  it("evaluates on the physics and time limit stored with the file (a library run on Pendulum with g = 2, 50 steps)", async () => {
    const options = { g: 2, maxEpisodeSteps: 50 };
    const agent = new DDPG(makeEnv('Pendulum-v1', options), { preset: 'keras', seed: 4, learningStarts: 0 });
    await agent.learn(60);
    const bytes = agent.save({ kind: 'policy' });
    const file = join(tempDir(), 'g2.ddpg');
    writeFileSync(file, bytes);
    const policy = Policy.load(bytes);
    expect(policy.envOptions).toEqual(options);
    const env = makeEnv('Pendulum-v1', options);
    const want = [5, 6].map((seed) => {
      let obs = env.reset(seed), ret = 0;
      for (;;) {
        const r = env.step(policy.act(obs));
        ret += r.reward;
        if (r.terminated || r.truncated) return ret;
        obs = r.obs;
      }
    });
    const got = await evalJson('--checkpoint', file, '--episodes', '2', '--seed', '5');
    expect(got.returns).toEqual(want);
  });
});
