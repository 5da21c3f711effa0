// `--algo td3|sac`: the same run directory and summary contract as DDPG, the
// algorithm's default preset, and `eval` on both of its files.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, tempDir } from './helpers.js';

beforeAll(ensureBuilt, 180_000);

describe.each([
  ['td3', 'rltools'],
  ['sac', 'rltools'],
])('ddpg-wasm train --algo %s', (algo, preset) => {
  let dir = '';
  let summary: Record<string, unknown> = {};

  beforeAll(async () => {
    dir = join(tempDir(), algo);
    // 300 steps > the rltools presets' 100 random warm-up steps, so updates run.
    const r = await cli('train', '--algo', algo, '--steps', '300', '--eval-every', '300', '--eval-episodes', '1', '--seed', '2', '--out', dir, '--json');
    expect(r.code, r.stderr).toBe(0);
    summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Record<string, unknown>;
  }, 120_000);

  it('names the algorithm and its default preset in summary.json', () => {
    expect(summary).toMatchObject({ algo, preset, seed: 2, steps: 300, env: 'Pendulum-v1' });
    expect(summary.updatesPerSecond as number).toBeGreaterThan(0);
  });

  it('evaluates the full checkpoint and the policy file to the same returns', async () => {
    const full = await cli('eval', '--checkpoint', join(dir, 'checkpoint.ddpg'), '--episodes', '2', '--json');
    const policy = await cli('eval', '--checkpoint', join(dir, 'policy.ddpg'), '--episodes', '2', '--json');
    expect(full.code, full.stderr).toBe(0);
    expect(policy.code, policy.stderr).toBe(0);
    const returns = (o: string): number[] => (JSON.parse(o) as { returns: number[] }).returns;
    expect(returns(policy.stdout)).toEqual(returns(full.stdout));
  });

  it('rejects a preset of another algorithm, naming it', async () => {
    const r = await cli('train', '--algo', algo, '--preset', 'keras', '--steps', '10', '--out', join(dir, 'bad'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/preset/);
  });
});
