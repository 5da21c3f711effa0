// A crash loses at most one save interval (issue 14, item 5): `train` writes
// checkpoint.ddpg every --save-every steps, atomically; a run killed with
// SIGKILL at several moments resumes from its latest periodic checkpoint and
// ends at the weights of an uninterrupted run. Also: the run directory is
// checked before any work, run.json is validated on --resume, and the
// temporary files of a killed process are cleaned up.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, ROOT, start, tempDir, waitFor } from './helpers.js';

const HOOK = join(ROOT, 'test', 'cli', 'kill-hook.mjs');

// TD3 (0.4 ms per update): 1 500 steps in about a second; saves at 300, 600, … 1 200.
const ARGS = ['--algo', 'td3', '--steps', '1500', '--seed', '3', '--eval-every', '500', '--eval-episodes', '1', '--save-every', '300', '--quiet'];
interface Summary { steps: number; episodes: number; weightsHash: string }
interface RunJson { status: string; saveEvery: number; timing: { steps: number } }
const read = <T>(dir: string, name: string): T => JSON.parse(readFileSync(join(dir, name), 'utf8')) as T;

let base: string;
let straight: Summary;

/** --resume of the run in `dir` ends at the straight run's 1 500 steps and weights, and leaves no temporary file. */
async function resumeToStraight(dir: string): Promise<void> {
  const resumed = await cli('train', '--resume', join(dir, 'checkpoint.ddpg'), '--quiet');
  expect(resumed.code, resumed.stderr).toBe(0);
  const s = read<Summary>(dir, 'summary.json');
  expect(s.steps).toBe(1500);
  expect(s.weightsHash).toBe(straight.weightsHash);
  expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
}

beforeAll(async () => {
  await ensureBuilt();
  base = tempDir();
  const r = await cli('train', ...ARGS, '--out', join(base, 'straight'));
  if (r.code !== 0) throw new Error(`straight run failed: ${r.stderr}`);
  straight = read<Summary>(join(base, 'straight'), 'summary.json');
}, 120_000);

describe('periodic checkpoints', () => {
  it('run.json records saveEvery and an uninterrupted run ends complete', () => {
    const run = read<RunJson>(join(base, 'straight'), 'run.json');
    expect(run.status).toBe('complete');
    expect(run.saveEvery).toBe(300);
  });

  // Kill once a periodic checkpoint exists, after a few more moments of training: before, between and after saves.
  for (const delayMs of [0, 90, 250]) {
    it(`SIGKILL ${delayMs} ms after the first periodic checkpoint, then --resume: the weights of the straight run`, async () => {
      const dir = join(base, `killed-${delayMs}`);
      const run = start(['train', ...ARGS, '--out', dir]);
      await waitFor(() => existsSync(join(dir, 'checkpoint.ddpg')), 60_000, 'the first periodic checkpoint');
      await new Promise((r) => setTimeout(r, delayMs));
      run.child.kill('SIGKILL');
      const killed = await run.done;
      expect(killed.signal).toBe('SIGKILL');
      const atKill = read<RunJson>(dir, 'run.json');
      // A periodic save leaves a resumable run.json: status running, timing up to a save point.
      expect(atKill.status).toBe('running');
      expect(atKill.timing.steps % 300).toBe(0);
      // A temporary file as a kill mid-write leaves it (pid 2^22 + 1 is above Linux's pid_max default).
      writeFileSync(join(dir, `.checkpoint.ddpg.tmp-${2 ** 22 + 1}`), 'torn');
      await resumeToStraight(dir);
      // metrics.jsonl holds each episode once, as the straight run's does.
      const episodes = (d: string): number => readFileSync(join(d, 'metrics.jsonl'), 'utf8').split('\n').filter((l) => l.includes('"type":"episode"')).length;
      expect(episodes(dir)).toBe(episodes(join(base, 'straight')));
    }, 120_000);
  }
});

// Kills at exact points of the atomic saves (kill-hook.mjs). fsync calls: 1 run.json data, 2 its directory;
// then per save point (300, 600, …) 3/4 checkpoint data/directory, 5/6 run.json. renameSync: 1 run.json,
// then per save point 2 checkpoint, 3 run.json. "before fsyncSync:7" is the checkpoint at 600 written to its
// temporary file and not yet renamed; "after renameSync:4" is that checkpoint renamed, run.json still at 300.
describe('SIGKILL inside an atomic save', () => {
  for (const [at, when] of [['fsyncSync:7', 'before'], ['renameSync:4', 'before'], ['renameSync:4', 'after'], ['fsyncSync:12', 'after']] as const) {
    it(`${when} ${at}: no torn file, the temporary file is cleaned, --resume ends at the straight run's weights`, async () => {
      const dir = join(base, `hook-${at.replace(':', '-')}-${when}`);
      const run = start(['train', ...ARGS, '--out', dir], ROOT, { args: ['--import', HOOK], env: { KILL_AT: at, KILL_WHEN: when } });
      const killed = await run.done;
      expect(killed.signal).toBe('SIGKILL');
      const left = readdirSync(dir).filter((f) => f.includes('.tmp-'));
      if (when === 'before') expect(left.length).toBe(1); // really killed mid-save
      await resumeToStraight(dir);
    }, 120_000);
  }
});

describe('the run directory and run.json', () => {
  it('refuses an --out that cannot be created, at once and naming it (Node 20 spun forever on /proc/…)', async () => {
    const t0 = Date.now();
    const r = await cli('train', '--steps', '10', '--out', '/proc/ddpg-wasm-nope/run', '--quiet');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot create the run directory \/proc\/ddpg-wasm-nope\/run/);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('refuses an --out that is a file', async () => {
    const f = join(base, 'a-file');
    writeFileSync(f, 'x');
    const r = await cli('train', '--steps', '10', '--out', join(f, 'run'), '--quiet');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot create the run directory/);
  });

  it('does not suggest a --resume file that does not exist (a run killed before its first save)', async () => {
    const dir = join(base, 'no-checkpoint');
    mkdirSync(dir);
    writeFileSync(join(dir, 'metrics.jsonl'), '');
    const r = await cli('train', '--steps', '10', '--out', dir, '--quiet');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no checkpoint\.ddpg to resume from/);
    expect(r.stderr).not.toMatch(/--resume/);
  });

  for (const [what, edit, msg] of [
    ['is not JSON', (): string => '{ "algo": ', /run\.json is not valid JSON/],
    ['has target.steps -5', (t: string): string => t.replace(/"target": \{[^}]*\}/, '"target": { "steps": -5 }'), /target must be \{ "steps": N \} or \{ "episodes": N \} with N ≥ 1, got \{"steps":-5\}/],
    ['has evalEpisodes 0', (t: string): string => t.replace(/"evalEpisodes": \d+/, '"evalEpisodes": 0'), /evalEpisodes must be an integer ≥ 1, got 0/],
    ['names another algorithm', (t: string): string => t.replace('"algo": "td3"', '"algo": "sac"'), /run\.json: algo must be the checkpoint's "td3", got "sac"; it belongs to another run/],
    ['names another env', (t: string): string => t.replace('"env": "Pendulum-v1"', '"env": "MountainCarContinuous-v0"'), /env must be the checkpoint's "Pendulum-v1", got "MountainCarContinuous-v0"/],
    ['names an unknown preset', (t: string): string => t.replace(/"preset": "[^"]*"/, '"preset": "nope"'), /preset must be one of .*custom, got "nope"/],
  ] as const) {
    it(`--resume refuses a run.json that ${what}, naming the field (it used to fall back to 100 episodes)`, async () => {
      const dir = join(base, `bad-run-${what.replace(/\W+/g, '-')}`);
      const r0 = await cli('train', '--algo', 'td3', '--steps', '50', '--eval-every', '0', '--eval-episodes', '1', '--out', dir, '--quiet');
      expect(r0.code).toBe(0);
      writeFileSync(join(dir, 'run.json'), edit(readFileSync(join(dir, 'run.json'), 'utf8')));
      const r = await cli('train', '--resume', join(dir, 'checkpoint.ddpg'), '--quiet');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(msg);
    });
  }
});
