// `ddpg-wasm sweep` and `train --config` through the real CLI: a sweep's trials
// equal the same runs made with `train` (weightsHash), a sweep killed mid-way
// and run again writes the same results.json bytes as an uninterrupted one, and
// a failing trial is recorded without stopping the others.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, cli, ensureBuilt, start, tempDir, waitFor } from './helpers.js';

const TINY = { actorLayers: [8], criticLayers: [8], batchSize: 8, learningStarts: 50 };
const SPEC = { overrides: TINY, grid: { actorLr: [1e-3, 3e-3] }, seeds: [0, 1], steps: 300, evalEvery: 100, evalEpisodes: 1, saveEvery: 100, threshold: -1500 };
/** Long enough trials to be killed in the middle of one. */
const LONG = { ...SPEC, steps: 1600, saveEvery: 200, evalEvery: 400 };

let base: string;
const write = (name: string, spec: object): string => {
  const p = join(base, name);
  writeFileSync(p, JSON.stringify(spec));
  return p;
};
const read = (p: string): string => readFileSync(p, 'utf8');
const hash = (dir: string): string => (JSON.parse(read(join(dir, 'summary.json'))) as { weightsHash: string }).weightsHash;
const lines = (p: string): string[] => (existsSync(p) ? read(p).split('\n').filter((l) => l !== '') : []);

/** Steps of a trial's last periodic save (its run.json, written atomically after the checkpoint); 0 before. */
const savedSteps = (dir: string): number => {
  try {
    return (JSON.parse(read(join(dir, 'run.json'))) as { timing: { steps: number } }).timing.steps;
  } catch {
    return 0;
  }
};

let sweep: CliResult;
beforeAll(async () => {
  await ensureBuilt();
  base = tempDir();
  sweep = await cli('sweep', write('spec.json', SPEC), '--workers', '2', '--out', join(base, 'sweep'));
}, 120_000);

describe('ddpg-wasm sweep', () => {
  it('runs 2 configurations × 2 seeds and prints the table', () => {
    expect(sweep.code, sweep.stderr).toBe(0);
    expect(sweep.stdout).toMatch(/^config\s+point\s+n\s+mean \[95% CI\]\s+IQM \[95% CI\]/);
    expect(sweep.stdout).toMatch(/c0\s+\{"actorLr":0.001\}\s+2 /);
    const dirs = readdirSync(join(base, 'sweep')).sort();
    expect(dirs).toEqual(['c0-s0', 'c0-s1', 'c1-s0', 'c1-s1', 'curves.svg', 'results.json', 'spec.json', 'sweep.jsonl']);
    expect(lines(join(base, 'sweep', 'sweep.jsonl'))).toHaveLength(4);
    const results = JSON.parse(read(join(base, 'sweep', 'results.json'))) as { trials: { status: string }[]; configs: { trials: number; rank: number }[] };
    expect(results.trials.map((t) => t.status)).toEqual(['done', 'done', 'done', 'done']);
    expect(results.configs.map((c) => c.trials)).toEqual([2, 2]);
    expect(results.configs.map((c) => c.rank).sort()).toEqual([1, 2]);
    // Rank 1 is the configuration with the higher IQM of the final evaluation (stats.rank).
    const [best, other] = [...results.configs].sort((a, b) => a.rank - b.rank) as unknown as { stats: { iqm: { point: number } } }[];
    expect(best!.stats.iqm.point).toBeGreaterThanOrEqual(other!.stats.iqm.point);
    // The overlay plot of the trials: a band and a mean curve per configuration, a faint line per seed.
    const svg = read(join(base, 'sweep', 'curves.svg'));
    expect(svg.match(/<polygon class="band"/g)).toHaveLength(2);
    expect(svg.match(/<polyline class="seed"/g)).toHaveLength(4);
  });

  it('writes per trial the run train writes, bit-identical to train --set', async () => {
    const direct = await cli('train', '--steps', '300', '--eval-every', '100', '--eval-episodes', '1', '--seed', '1',
      ...Object.entries({ ...TINY, actorLr: 3e-3 }).flatMap(([k, v]) => ['--set', `${k}=${JSON.stringify(v)}`]), '--out', join(base, 'direct'), '--quiet');
    expect(direct.code, direct.stderr).toBe(0);
    expect(hash(join(base, 'sweep', 'c1-s1'))).toBe(hash(join(base, 'direct')));
    for (const f of ['metrics.jsonl', 'checkpoint.ddpg', 'policy.ddpg', 'curve.svg', 'run.json']) expect(existsSync(join(base, 'sweep', 'c1-s1', f))).toBe(true);
  }, 60_000);

  it('train --config runs one configuration of the same format (same weightsHash)', async () => {
    const one = write('one.json', { ...SPEC, grid: undefined, overrides: { ...TINY, actorLr: 1e-3 } });
    const r = await cli('train', '--config', one, '--seed', '0', '--out', join(base, 'config'), '--quiet');
    expect(r.code, r.stderr).toBe(0);
    expect(hash(join(base, 'config'))).toBe(hash(join(base, 'sweep', 'c0-s0')));
    const many = await cli('train', '--config', join(base, 'spec.json'), '--seed', '0', '--out', join(base, 'x'));
    expect(many.code).toBe(2);
    expect(many.stderr).toContain('describes 2 configurations (grid/random); train runs one: use ddpg-wasm sweep');
    const seeds = await cli('train', '--config', one, '--out', join(base, 'y'));
    expect(seeds.stderr).toContain('lists 2 seeds; pick one with --seed');
  }, 60_000);

  it('refuses a spec error naming the field, and a different spec in the same --out', async () => {
    const bad = await cli('sweep', write('bad.json', { ...SPEC, grid: { actorLR: [1] } }));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('grid: "actorLR" is not a ddpg config field (did you mean actorLr?)');
    const other = await cli('sweep', write('other.json', { ...SPEC, steps: 200 }), '--out', join(base, 'sweep'));
    expect(other.code).toBe(1);
    expect(other.stderr).toContain('holds a sweep of another spec');
  });

  it('--trial I runs one trial: four processes at once (a Kubernetes Indexed Job) give the sweep\'s results.json', async () => {
    const out = join(base, 'indexed');
    const runs = await Promise.all([0, 1, 2, 3].map((i) => cli('sweep', join(base, 'spec.json'), '--trial', String(i), '--out', out)));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    // Each process trained its own trial; the one that finished the last wrote results.json and curves.svg.
    expect(lines(join(out, 'sweep.jsonl')).map((l) => (JSON.parse(l) as { id: string }).id).sort()).toEqual(['c0-s0', 'c0-s1', 'c1-s0', 'c1-s1']);
    expect(read(join(out, 'results.json'))).toBe(read(join(base, 'sweep', 'results.json')));
    expect(read(join(out, 'curves.svg'))).toBe(read(join(base, 'sweep', 'curves.svg')));
    // A plain sweep of the same directory afterwards trains nothing and writes the same bytes.
    const again = await cli('sweep', join(base, 'spec.json'), '--out', out, '--quiet');
    expect(again.code, again.stderr).toBe(0);
    expect(lines(join(out, 'sweep.jsonl'))).toHaveLength(4);
    expect(read(join(out, 'results.json'))).toBe(read(join(base, 'sweep', 'results.json')));
    const bad = await cli('sweep', join(base, 'spec.json'), '--trial', '4', '--out', out);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--trial must be an index in 0..3 (the spec has 4 trials), got 4');
  }, 60_000);

  it('records a failing trial and runs the others (exit code 1)', async () => {
    const r = await cli('sweep', write('fail.json', { ...SPEC, grid: { actorLr: [-1, 1e-3] }, seeds: 1 }), '--workers', '1', '--out', join(base, 'fail'));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('1 trial failed');
    const results = JSON.parse(read(join(base, 'fail', 'results.json'))) as { trials: { status: string; error: string | null }[]; configs: { failed: number }[] };
    expect(results.trials.map((t) => t.status)).toEqual(['failed', 'done']);
    expect(results.trials[0]!.error).toBe('invalid configuration: DDPG config: actorLr must be a number in (0, 1] or "lin_X", X in (0, 1], got -1');
    expect(results.configs.map((c) => c.failed)).toEqual([1, 0]);
  });
});

describe('a sweep stopped mid-way and run again', () => {
  let whole: string;
  const stopThenRerun = async (sig: NodeJS.Signals, out: string): Promise<{ stopped: CliResult; rerun: CliResult; partial: number }> => {
    const spec = join(base, 'long.json');
    const run = start(['sweep', spec, '--workers', '1', '--out', out]);
    // One trial done and the next one past its first checkpoint: kill in the middle of a trial.
    await waitFor(() => lines(join(out, 'sweep.jsonl')).length >= 1 && savedSteps(join(out, 'c0-s1')) > 0, 60_000, 'a checkpoint of the second trial');
    run.child.kill(sig);
    const stopped = await run.done;
    const partial = savedSteps(join(out, 'c0-s1'));
    expect(existsSync(join(out, 'results.json'))).toBe(false);
    const rerun = await cli('sweep', spec, '--workers', '2', '--out', out);
    return { stopped, rerun, partial };
  };

  beforeAll(async () => {
    write('long.json', LONG);
    const r = await cli('sweep', join(base, 'long.json'), '--workers', '2', '--out', join(base, 'whole'));
    expect(r.code, r.stderr).toBe(0);
    whole = read(join(base, 'whole', 'results.json'));
  }, 120_000);

  it('after SIGKILL: the same results.json bytes', async () => {
    const { stopped, rerun, partial } = await stopThenRerun('SIGKILL', join(base, 'killed'));
    expect(stopped.signal).toBe('SIGKILL');
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(LONG.steps);
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(read(join(base, 'killed', 'results.json'))).toBe(whole);
  }, 120_000);

  it('after SIGINT: exit 130, then the same results.json bytes, finished trials skipped', async () => {
    const { stopped, rerun } = await stopThenRerun('SIGINT', join(base, 'interrupted'));
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain('continue with the same command');
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(read(join(base, 'interrupted', 'results.json'))).toBe(whole);
    // Every trial finished exactly once across both invocations.
    expect(lines(join(base, 'interrupted', 'sweep.jsonl')).map((l) => (JSON.parse(l) as { id: string }).id).sort())
      .toEqual(['c0-s0', 'c0-s1', 'c1-s0', 'c1-s1']);
  }, 120_000);
});
