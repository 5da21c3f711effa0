// `ddpg-wasm train` end to end: one short run (400 steps = 2 Pendulum episodes,
// evaluations at steps 200 and 400 with 2 episodes each), then its files.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, cli, ensureBuilt, tempDir } from './helpers.js';

// The contract of summary.json (issue 6): exactly these keys, in this order.
const SUMMARY_KEYS = ['version', 'algo', 'env', 'preset', 'seed', 'steps', 'episodes', 'wallSeconds',
  'envStepsPerSecond', 'updatesPerSecond', 'trainReturnLast10', 'eval', 'weightsHash'];

let run: CliResult;
let dir: string;
const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
const metrics = (): Record<string, unknown>[] => read('metrics.jsonl').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  await ensureBuilt();
  dir = join(tempDir(), 'run');
  run = await cli('train', '--steps', '400', '--eval-every', '200', '--eval-episodes', '2', '--seed', '3', '--out', dir, '--json');
}, 180_000);

describe('ddpg-wasm train --steps 400', () => {
  it('exits with code 0', () => {
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.code).toBe(0);
  });

  it('writes every file of the run directory', () => {
    for (const f of ['metrics.jsonl', 'summary.json', 'checkpoint.ddpg', 'policy.ddpg', 'curve.svg', 'run.json']) {
      expect(existsSync(join(dir, f)), f).toBe(true);
    }
  });

  it('writes summary.json with exactly the documented keys', () => {
    const s = JSON.parse(read('summary.json')) as Record<string, unknown>;
    expect(Object.keys(s)).toEqual(SUMMARY_KEYS);
    expect(Object.keys(s.eval as object)).toEqual(['mean', 'std', 'episodes']);
  });

  it('reports the run it did in summary.json', () => {
    const s = JSON.parse(read('summary.json')) as Record<string, unknown>;
    expect(s).toMatchObject({ algo: 'ddpg', env: 'Pendulum-v1', preset: 'keras', seed: 3, steps: 400, episodes: 2, eval: { episodes: 2 } });
    expect(s.weightsHash).toMatch(/^[0-9a-f]{8}$/);
  });

  it('prints the same summary on stdout with --json', () => {
    expect(JSON.parse(run.stdout)).toEqual(JSON.parse(read('summary.json')));
  });

  it('logs one record per episode and per evaluation, in order, with a type field', () => {
    const m = metrics();
    expect(m.map((r) => `${String(r.type)}@${String(r['time/total_timesteps'])}`)).toEqual(['episode@200', 'eval@200', 'episode@400', 'eval@400']);
  });

  it('uses the SB3 keys in episode records', () => {
    const ep = metrics()[0]!;
    for (const k of ['rollout/ep_return', 'rollout/ep_len', 'train/critic_loss', 'train/actor_loss', 'time/episodes', 'time/sps']) {
      expect(ep, k).toHaveProperty([k]);
    }
  });

  it('takes the final evaluation from the evaluation at the last step', () => {
    const s = JSON.parse(read('summary.json')) as { eval: { mean: number } };
    expect(s.eval.mean).toBe(metrics()[3]!['eval/mean_return']);
  });

  it('averages the training returns in trainReturnLast10', () => {
    const s = JSON.parse(read('summary.json')) as { trainReturnLast10: number };
    const [a, b] = metrics().filter((r) => r.type === 'episode').map((r) => r['rollout/ep_return'] as number);
    expect(s.trainReturnLast10).toBeCloseTo((a! + b!) / 2, 9);
  });

  it('draws curve.svg with a title naming algorithm, env and seed', () => {
    const svg = read('curve.svg');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('DDPG on Pendulum-v1 · seed 3');
  });

  it('refuses to overwrite an existing run (exit 1)', async () => {
    const again = await cli('train', '--steps', '1', '--out', dir);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already holds a run');
  });
});

describe('what to do next (issue 16, item 4)', () => {
  it('ends a finished run with the eval command of its policy and the path of its curve; the command works', async () => {
    const out = join(tempDir(), 'next');
    const r = await cli('train', '--algo', 'td3', '--steps', '200', '--eval-episodes', '1', '--out', out);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(-2)).toEqual([`Next: ddpg-wasm eval --checkpoint ${join(out, 'policy.ddpg')}`, `Curve: ${join(out, 'curve.svg')}`]);
    expect(r.stdout).toContain('curve.svg, run.json');
    expect(existsSync(join(out, 'curve.svg'))).toBe(true);
    const ev = await cli(...lines.at(-2)!.replace('Next: ddpg-wasm ', '').split(' '), '--episodes', '1');
    expect([ev.code, ev.stderr]).toEqual([0, '']);
  }, 60_000);

  it('leaves them out with --quiet and with --json', async () => {
    for (const flag of ['--quiet', '--json']) {
      const r = await cli('train', '--steps', '200', '--eval-episodes', '1', '--out', join(tempDir(), 'q'), flag);
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toMatch(/^(Next|Curve):/m);
    }
  }, 60_000);
});
