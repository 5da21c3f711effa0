// Best-model saves (SB3's EvalCallback, issue 16): learn() calls onNewBest with the
// policy file of every evaluation that beats all earlier ones of the agent's life;
// the best value is kept in full checkpoints, so a resumed run neither forgets it
// nor replaces a better policy with a worse one.
import { describe, expect, it } from 'vitest';
import { DDPG } from '../../src/agents/ddpg.js';
import type { EvalRecord } from '../../src/agents/agent.js';
import { makeEnv } from '../../src/envs/make.js';
import { Policy } from '../../src/policy/policy.js';
import { SHORT_PENDULUM, smallAgent } from './helpers.js';

const EVAL = { evalEvery: 50, evalEpisodes: 1, evalEnv: makeEnv('Pendulum-v1', SHORT_PENDULUM) } as const;

interface Log { evals: number[]; bests: { mean: number; policy: Uint8Array }[] }
const logger = (log: Log) => ({
  ...EVAL,
  onEval: (r: EvalRecord) => log.evals.push(r['eval/mean_return']),
  onNewBest: (r: EvalRecord, policy: Uint8Array) => log.bests.push({ mean: r['eval/mean_return'], policy }),
});

describe('onNewBest', () => {
  it('fires exactly on the evaluations that beat the running maximum, with that moment\'s policy file', async () => {
    const a = smallAgent(3), log: Log = { evals: [], bests: [] };
    await a.learn(400, logger(log));
    expect(log.evals).toHaveLength(8);
    // The running maximum's strict increases, derived from the evaluations themselves.
    const want: number[] = [];
    for (const m of log.evals) if (want.length === 0 || m > want[want.length - 1]!) want.push(m);
    expect(log.bests.map((b) => b.mean)).toEqual(want);
    expect(a.loop.bestMeanReturn).toBe(Math.max(...log.evals));
    // The file is a policy file whose actor reproduces the evaluation it came with.
    const last = log.bests[log.bests.length - 1]!;
    const p = Policy.load(last.policy);
    const env = makeEnv('Pendulum-v1', SHORT_PENDULUM);
    const resetSeed = 3 + 1_000_000; // evalSeed(seed 3, episode 0)
    let obs = env.reset(resetSeed), ret = 0;
    for (let t = 0; t < 50; t++) {
      const r = env.step(p.act(obs));
      ret += r.reward;
      obs = r.obs;
    }
    expect(ret).toBe(last.mean);
  });

  it('keeps the best value in full checkpoints: save, load, continue ≡ one run, same onNewBest calls', async () => {
    const whole: Log = { evals: [], bests: [] }, split: Log = { evals: [], bests: [] };
    const a = smallAgent(4);
    await a.learn(400, logger(whole));
    const b = smallAgent(4);
    await b.learn(200, logger(split));
    const c = DDPG.load(b.save(), makeEnv('Pendulum-v1', SHORT_PENDULUM));
    expect(c.loop.bestMeanReturn).toBe(b.loop.bestMeanReturn);
    await c.learn(200, logger(split));
    expect(split.bests.map((x) => x.mean)).toEqual(whole.bests.map((x) => x.mean));
    expect(split.bests.map((x) => x.policy)).toEqual(whole.bests.map((x) => x.policy));
  });

  it('is optional: without evaluations a checkpoint has no best value and −Infinity is reported', async () => {
    const a = smallAgent(1);
    await a.learn(60);
    expect(a.loop.bestMeanReturn).toBe(-Infinity);
    expect(new TextDecoder().decode(a.save().subarray(0, 4096))).not.toContain('bestMeanReturn');
  });

  it('alone is enough to run evaluations; a non-function is refused before training', async () => {
    const a = smallAgent(2);
    let n = 0;
    await a.learn(100, { ...EVAL, onNewBest: () => n++ });
    expect(n).toBeGreaterThan(0);
    await expect(a.learn(10, { ...EVAL, onNewBest: 5 as never })).rejects.toThrow('learn: onNewBest must be a function, got 5');
    expect(a.loop.steps).toBe(100);
  });
});
