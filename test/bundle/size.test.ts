/**
 * Size guards (issues 7 and 13): the npm tarball, and each entry with the chunks
 * it loads, as shipped (minified by the build, files concatenated, gzip -9), held
 * at what they measure now plus a little room, so that growth is a decision. The
 * tarball met issue 13's 92 000 bytes (89 824) before the sweep, plot and
 * statistics commands of issue 15 added 8 KB of CLI (bench/RESULTS.md, "Size"). Sizes are deterministic for a given build (unlike
 * timings), so they belong here; `npm run bench -- size` has the breakdown and
 * bench/RESULTS.md the history of what each byte went to.
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
  it('the npm tarball is at most 110 744 bytes (gzip; issue 17 added kernels-threads.wasm and its chunk)', () => {
    const json = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    const [pack] = JSON.parse(json) as { size: number }[];
    expect(pack!.size, HINT).toBeLessThanOrEqual(110_744);
  });

  it('ddpg-wasm/policy, as shipped, is at most 16 500 bytes gzip (issue 13 aims at 15 000)', () => {
    expect(shipped('policy.js', ['dist/chunks/core.js', 'dist/chunks/wasm-bytes.js', 'dist/policy.js']), HINT).toBeLessThanOrEqual(16_500);
  });

  it('ddpg-wasm, as shipped, is at most 38 000 bytes gzip (issue 13 aims at 30 000; issue 15 added stats)', () => {
    const files = ['dist/chunks/core.js', 'dist/chunks/library.js', 'dist/chunks/wasm-bytes.js', 'dist/index.js'];
    expect(shipped('index.js', files), HINT).toBeLessThanOrEqual(38_000);
  });
});
