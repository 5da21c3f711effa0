// train --set normalize=… (issue 16, SB3's VecNormalize): a run with NormalizeEnv
// resumes bit-identically (its statistics are in the checkpoint), its policy files
// evaluate on the env's raw observations, and bad values are usage errors.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, straightAndResumed } from './helpers.js';

const ARGS = ['--algo', 'td3', '--seed', '1', '--eval-every', '200', '--eval-episodes', '1', '--set', 'normalize=true', '--set', 'normalize.clipObs=5'];
let base: string;
const hash = (dir: string): string => (JSON.parse(readFileSync(join(base, dir, 'summary.json'), 'utf8')) as { weightsHash: string }).weightsHash;

beforeAll(async () => {
  base = await straightAndResumed(ARGS, 500, 300);
}, 180_000);

describe('train --set normalize', () => {
  it('resumes bit-identically: same weights, same checkpoint and best-policy bytes', () => {
    expect(hash('half')).toBe(hash('straight'));
    for (const f of ['checkpoint.ddpg', 'best-policy.ddpg']) {
      expect(readFileSync(join(base, 'half', f)).equals(readFileSync(join(base, 'straight', f))), f).toBe(true);
    }
    expect(JSON.parse(readFileSync(join(base, 'straight', 'run.json'), 'utf8')).overrides).toEqual({ normalize: { clipObs: 5 } });
  });

  it('writes policies that eval runs on raw observations, reproducing the training evaluation', async () => {
    const metrics = readFileSync(join(base, 'straight', 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const last = metrics.filter((m) => m.type === 'eval').at(-1)!;
    const r = await cli('eval', '--checkpoint', join(base, 'straight', 'policy.ddpg'), '--episodes', '1', '--seed', '1000001', '--json');
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { mean: number }).mean).toBe(last['eval/mean_return']);
  });

  it('refuses bad values with a usage error naming the field', async () => {
    for (const [set, msg] of [
      ['normalize=3', 'normalize must be true, false or an object of { obs, reward, clipObs, clipReward, gamma, epsilon }, got 3'],
      ['normalize.gamma=2', 'normalize: gamma must be a number in [0, 1], got 2'],
      ['normalize.clip=1', 'normalize: unknown option "clip"'],
    ] as const) {
      const r = await cli('train', '--steps', '1', '--set', set, '--out', join(base, 'bad'));
      expect([r.code, r.stderr]).toEqual([2, expect.stringContaining(msg)]);
    }
  });
});
