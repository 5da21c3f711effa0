// progress.csv (issue 16): one row per metrics.jsonl record with SB3's keys,
// written as training goes, and after a resume the same rows as an
// uninterrupted run (none twice; only the measured time/fps differs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CSV_KEYS } from '../../src/cli/run-dir.js';
import { straightAndResumed } from './helpers.js';

const ARGS = ['--seed', '6', '--eval-every', '200', '--eval-episodes', '1'];
let base: string;
const table = (dir: string): string[][] => readFileSync(join(base, dir, 'progress.csv'), 'utf8').trimEnd().split('\n').map((l) => l.split(','));
const metrics = (dir: string): Record<string, unknown>[] =>
  readFileSync(join(base, dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(async () => {
  base = await straightAndResumed(ARGS, 800, 500);
}, 180_000);

describe('progress.csv', () => {
  it('has SB3\'s keys and one row per metrics record, with its values', () => {
    const [head, ...rows] = table('straight');
    expect(head).toEqual([...CSV_KEYS]);
    const m = metrics('straight');
    expect(rows).toHaveLength(m.length);
    const col = (k: string): number => head!.indexOf(k);
    m.forEach((rec, i) => {
      const row = rows[i]!;
      expect(Number(row[col('time/total_timesteps')])).toBe(rec['time/total_timesteps']);
      if (rec.type === 'eval') {
        expect(Number(row[col('eval/mean_reward')])).toBe(rec['eval/mean_return']);
        expect(row[col('rollout/ep_return')]).toBe('');
      } else {
        expect(Number(row[col('rollout/ep_return')])).toBe(rec['rollout/ep_return']);
        // rollout/ep_rew_mean: the mean of this and the earlier episode returns (fewer than SB3's 100 here).
        const returns = m.slice(0, i + 1).filter((x) => x.type === 'episode').map((x) => x['rollout/ep_return'] as number);
        expect(Number(row[col('rollout/ep_rew_mean')])).toBeCloseTo(returns.reduce((s, x) => s + x, 0) / returns.length, 9);
      }
    });
  });

  it('holds the same rows after a resume as the uninterrupted run (time/fps aside)', () => {
    const fps = CSV_KEYS.indexOf('time/fps');
    const strip = (t: string[][]): string[] => t.map((r) => r.filter((_, j) => j !== fps).join(','));
    expect(strip(table('half'))).toEqual(strip(table('straight')));
  });
});
