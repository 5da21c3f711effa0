/**
 * Size guards (issues 7 and 13): the npm tarball, and each entry with the chunks
 * it loads, as shipped (minified by the build, files concatenated, gzip -9), held
 * at what they measure now plus a little room, so that growth is a decision.
 * Measured after issue 13's size work (bench/RESULTS.md, "Size": the README as a
 * front page, no logf in the kernel module, the full modules at shrinkLevel 1,
 * initFast's code loaded by import()): tarball 114 934, then 117 142 (guard 117 400)
 * after the sweep namespaces/--store (+1.8 KB) and the threads back-off class merged,
 * then 117 696 on main (guard 118 000) with the threads' dynamic blocks (+356 measured,
 * 117 139 → 117 495) and README rows (+200),
 * ddpg-wasm/policy 9 830 (guard 10 100), ddpg-wasm 36 376 (guard 36 650). The tarball
 * met issue 13's 92 000 bytes (89 824) before issues 15, 16 and 17 added the sweep,
 * queue, plot, statistics, config and threads features; the main entry is 6.3 KB over
 * its 30 000 (RESULTS.md says what would reach it). Sizes are deterministic
 * for a given build (unlike timings), so they belong here; `npm run bench -- size`
 * has the breakdown and bench/RESULTS.md the history of what each byte went to.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { importGraph, rel } from '../../bench/dist.js';
import { ensureBuilt, ROOT } from '../cli/helpers.js';

beforeAll(ensureBuilt, 180_000);

const HINT = 'see `npm run bench -- size` for what takes the room';

/** gzip -9 of the files an entry loads, concatenated; checks which files they are. */
function shipped(entry: string, expected: string[]): number {
  const files = importGraph(join(ROOT, 'dist', entry));
  expect(files.map(rel).sort()).toEqual(expected);
  return gzipSync(Buffer.concat(files.map((f) => readFileSync(f))), { level: 9 }).length;
}

describe('the published package.json', () => {
  it('has no install-time script (npm would warn and run it in every consumer, and rebuild a clone under npx)', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(Object.keys(pkg.scripts).filter((k) => /^(pre|post)?(install|prepare)$/.test(k))).toEqual([]);
  });
});

describe('package size', () => {
  it('the npm tarball is at most 118 000 bytes (gzip; issue 13 aims at 92 000: met before issues 15, 16 and 17)', () => {
    const json = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    const [pack] = JSON.parse(json) as { size: number }[];
    expect(pack!.size, HINT).toBeLessThanOrEqual(118_000);
  });

  it('ddpg-wasm/policy, as shipped, is at most 10 100 bytes gzip (issue 13 asks for 15 000: met)', () => {
    expect(shipped('policy.js', ['dist/chunks/core.js', 'dist/policy.js']), HINT).toBeLessThanOrEqual(10_100);
  });

  it('ddpg-wasm, as shipped, is at most 36 650 bytes gzip (issue 13 aims at 30 000: not met; issues 15 and 16 added stats, schedules and best-model saves)', () => {
    const files = ['dist/chunks/core.js', 'dist/chunks/library.js', 'dist/chunks/wasm-bytes.js', 'dist/index.js'];
    expect(shipped('index.js', files), HINT).toBeLessThanOrEqual(36_650);
  });
});
