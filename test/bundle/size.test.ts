/**
 * Issue 7's size targets, guarded: the npm tarball ≤ 100 KB gzip and the
 * inference-only entry ≤ 30 KB gzip. Sizes are deterministic for a given build
 * (unlike timings), so they belong here; `npm run bench -- size` has the
 * breakdown and bench/RESULTS.md the history of what each byte went to.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../cli/helpers.js';

beforeAll(ensureBuilt, 180_000);

/** Files a module reaches through relative static imports (the module itself first). */
function reach(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  const deps = [...text.matchAll(/^(?:import|export)\b[^'"]*?from\s*['"](\.[^'"]+)['"]/gm)].map((m) => join(file, '..', m[1]!));
  return [file, ...deps.flatMap((d) => reach(d, seen))];
}

describe('package size (issue 7 targets)', () => {
  it('the npm tarball is at most 100 000 bytes (gzip)', () => {
    const json = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
    const [pack] = JSON.parse(json) as { size: number }[];
    expect(pack!.size, 'see `npm run bench -- size` for what takes the room').toBeLessThanOrEqual(100_000);
  });

  it('ddpg-wasm/policy, as shipped (unminified, its files concatenated), is at most 30 000 bytes gzip', () => {
    const files = reach(join(ROOT, 'dist', 'policy.js'));
    expect(files.map((f) => relative(ROOT, f).split(sep).join('/')).sort()).toEqual(['dist/chunks/core.js', 'dist/chunks/wasm-bytes.js', 'dist/policy.js']);
    const gz = gzipSync(Buffer.concat(files.map((f) => readFileSync(f))), { level: 9 }).length;
    expect(gz).toBeLessThanOrEqual(30_000);
  });
});
