// Ctrl-C and --resume: a 600-step run interrupted by SIGINT (once metrics.jsonl
// shows the first episode, at step 200), then resumed, ends with the same
// weightsHash as an uninterrupted 600-step run with the same seed.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, cli, ensureBuilt, start, tempDir, waitFor } from './helpers.js';

const ARGS = ['--steps', '600', '--seed', '5', '--eval-every', '300', '--eval-episodes', '1'];
let base: string;
let straight: CliResult;
let interrupted: CliResult;
let resumed: CliResult;
/** summary.json and run.json as the interrupted session left them. */
let atStop: { summary: Summary; status: string };

interface Summary { steps: number; episodes: number; weightsHash: string }
const summary = (dir: string): Summary => JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as Summary;
const metricsLines = (dir: string): string[] => {
  const p = join(dir, 'metrics.jsonl');
  return existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter((l) => l !== '') : [];
};

beforeAll(async () => {
  await ensureBuilt();
  base = tempDir();
  const stopped = start(['train', ...ARGS, '--out', join(base, 'stopped')]);
  const whole = cli('train', ...ARGS, '--out', join(base, 'straight'));
  await waitFor(() => metricsLines(join(base, 'stopped')).length > 0, 60_000, 'the first episode record');
  stopped.child.kill('SIGINT');
  [interrupted, straight] = await Promise.all([stopped.done, whole]);
  const run = JSON.parse(readFileSync(join(base, 'stopped', 'run.json'), 'utf8')) as { status: string };
  atStop = { summary: summary(join(base, 'stopped')), status: run.status };
  resumed = await cli('train', '--resume', join(base, 'stopped', 'checkpoint.ddpg'));
}, 180_000);

describe('SIGINT during training', () => {
  it('exits with code 130', () => {
    expect(interrupted.code).toBe(130);
  });

  it('stops before the target, after the first episode', () => {
    // Otherwise this file would not test an interruption at all.
    expect(atStop.summary.steps).toBeGreaterThanOrEqual(200);
    expect(atStop.summary.steps).toBeLessThan(600);
  });

  it('marks the run as interrupted in run.json', () => {
    expect(atStop.status).toBe('interrupted');
  });

  it('tells how to continue', () => {
    expect(interrupted.stdout).toContain('Continue with: ddpg-wasm train --resume');
  });
});

describe('--resume', () => {
  it('exits with code 0', () => {
    expect(resumed.code).toBe(0);
  });

  it('reaches the original target from run.json', () => {
    expect(summary(join(base, 'stopped')).steps).toBe(600);
  });

  it('ends with the weightsHash of the uninterrupted run', () => {
    expect(straight.code).toBe(0);
    expect(summary(join(base, 'stopped')).weightsHash).toBe(summary(join(base, 'straight')).weightsHash);
  });

  it('logs every training episode exactly once across the two sessions', () => {
    const eps = metricsLines(join(base, 'stopped')).map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => r.type === 'episode').map((r) => r['time/episodes']);
    expect(eps).toEqual([1, 2, 3]);
  });

  it('keeps the same evaluation records as the uninterrupted run (the stopped session\'s closing one is dropped)', () => {
    const evals = (dir: string): unknown[] => metricsLines(dir).map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((r) => r.type === 'eval').map((r) => [r['time/total_timesteps'], r.final === true]);
    expect(evals(join(base, 'stopped'))).toEqual(evals(join(base, 'straight')));
  });
});
