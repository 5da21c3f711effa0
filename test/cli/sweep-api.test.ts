// ddpg-wasm/sweep: runSweep() for Node, the package's "exports" entry whose
// code is dist/cli/main.js and whose types are src/sweep.ts. The CLI's
// runSweep must match the declaration (a type error here otherwise), the
// entry must resolve by name to a function that runs a sweep, calling onTrial
// per trial, and an aborted signal must leave the sweep resumable.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { runSweep as cliRunSweep } from '../../src/cli/sweep.js';
import type { runSweep as declared, TrialRecord } from '../../src/sweep.js';
import { ensureBuilt, MAIN, ROOT, tempDir } from './helpers.js';

// The implementation has the declared type (the shipped .d.ts cannot drift from the code).
const typed: typeof declared = cliRunSweep;

const SPEC = {
  overrides: { actorLayers: [8], criticLayers: [8], batchSize: 8, learningStarts: 50 }, grid: { actorLr: [1e-3, 3e-3] },
  seeds: [0, 1], steps: 300, evalEvery: 100, evalEpisodes: 1, saveEvery: 100, threshold: -1500,
};

beforeAll(ensureBuilt, 180_000);

describe('ddpg-wasm/sweep', () => {
  it('resolves by package name, under the node condition, to the CLI bundle\'s runSweep', () => {
    const script = "const m = await import('ddpg-wasm/sweep'); console.log(typeof m.runSweep, import.meta.resolve('ddpg-wasm/sweep'));";
    const [kind, url] = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' }).trim().split(' ');
    expect(kind).toBe('function');
    expect(url).toBe(pathToFileURL(MAIN).href);
  });

  it('runs a sweep from a spec object, reporting each trial; an aborted run resumes to the same results', async () => {
    const { runSweep } = (await import(pathToFileURL(MAIN).href)) as { runSweep: typeof typed };
    const out = join(tempDir(), 'api');
    const stop = new AbortController();
    stop.abort();
    const none = await runSweep(SPEC, { workers: 2, out, signal: stop.signal });
    expect(none.interrupted).toBe(true);
    expect(none.configs).toEqual([]);
    const seen: TrialRecord[] = [];
    const r = await runSweep(SPEC, { workers: 2, out, onTrial: (t) => seen.push(t) });
    expect(r.interrupted).toBe(false);
    expect(seen.map((t) => t.id).sort()).toEqual(['c0-s0', 'c0-s1', 'c1-s0', 'c1-s1']);
    expect(r.trials.map((t) => t.status)).toEqual(['done', 'done', 'done', 'done']);
    expect(r.configs.map((c) => c.rank).sort()).toEqual([1, 2]);
    expect(existsSync(join(out, 'curves.svg'))).toBe(true);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as { trials: unknown };
    expect(results.trials).toEqual(r.trials);
  }, 60_000);
});
