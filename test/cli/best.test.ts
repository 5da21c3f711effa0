// best-policy.ddpg (issue 16, SB3's EvalCallback): train writes the policy of the
// best periodic evaluation; `eval` of it with the training evaluation's seeds
// gives that evaluation's mean; a run resumed halfway ends with the same file.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, straightAndResumed } from './helpers.js';

const ARGS = ['--seed', '2', '--eval-every', '200', '--eval-episodes', '2'];
let base: string;

beforeAll(async () => {
  base = await straightAndResumed(ARGS, 800, 400);
}, 180_000);

const evalMeans = (dir: string): number[] => readFileSync(join(base, dir, 'metrics.jsonl'), 'utf8').split('\n').filter((l) => l !== '')
  .map((l) => JSON.parse(l) as { type: string; final?: boolean; 'eval/mean_return': number })
  .filter((r) => r.type === 'eval' && r.final !== true).map((r) => r['eval/mean_return']);

describe('best-policy.ddpg', () => {
  it('evaluates (with the training evaluation\'s seeds 1 000 002…) to the best periodic evaluation\'s mean', async () => {
    const means = evalMeans('straight');
    expect(means).toHaveLength(4);
    const r = await cli('eval', '--checkpoint', join(base, 'straight', 'best-policy.ddpg'), '--episodes', '2', '--seed', '1000002', '--json');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { mean: number }).mean).toBe(Math.max(...means));
  });

  it('is the same file after a resume from step 400 as after the straight run', () => {
    expect(evalMeans('half')).toEqual(evalMeans('straight'));
    expect(readFileSync(join(base, 'half', 'best-policy.ddpg')).equals(readFileSync(join(base, 'straight', 'best-policy.ddpg')))).toBe(true);
  });
});
