/**
 * bench/dist.ts's importGraph decides which files count toward the size of an
 * entry (bench/size.bench.ts). These pin what it follows, and that the
 * inference-only entry stays free of training code (issue 7: ≤ 30 KB gzip).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importGraph, rel, ROOT } from '../../bench/dist.js';

const dir = mkdtempSync(join(tmpdir(), 'import-graph-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes the fixture files and returns the graph of the first one, as base names. */
function fixture(files: Record<string, string>): string[] {
  const sub = mkdtempSync(join(dir, 'case-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(sub, name), text);
  return importGraph(join(sub, Object.keys(files)[0]!)).map((f) => basename(f));
}

describe('importGraph', () => {
  it('follows import, export … from and bare imports, resolving ./x.js to x.ts in sources', () => {
    const g = fixture({
      'a.ts': "import { b } from './b.js';\nexport * from './c.js';\nimport './d.js';\n",
      'b.ts': 'export const b = 1;\n', 'c.ts': 'export const c = 1;\n', 'd.ts': '\n',
    });
    expect(g.sort()).toEqual(['a.ts', 'b.ts', 'c.ts', 'd.ts']);
  });

  it('follows minified imports and re-exports (the shape of dist/), and only those', () => {
    const g = fixture({
      'a.js': 'import{b as x}from"./b.js";import c from"./c.js";import"./d.js";export*from"./e.js";export{x as y};const s="import{z}from";\n',
      'b.js': 'export const b=1;', 'c.js': 'export default 1;', 'd.js': '', 'e.js': 'export const e=1;', 'z.js': '',
    });
    expect(g.sort()).toEqual(['a.js', 'b.js', 'c.js', 'd.js', 'e.js']);
  });

  it('skips type-only imports and exports, which tsc erases', () => {
    const g = fixture({
      'a.ts': "import type { B } from './b.js';\nexport type { C } from './c.js';\nexport const a: B | C = 1;\n",
      'b.ts': 'export type B = number;\n', 'c.ts': 'export type C = number;\n',
    });
    expect(g).toEqual(['a.ts']);
  });

  it('skips dynamic import(), which a bundler splits into a lazy chunk', () => {
    const g = fixture({ 'a.js': "export const f = () => import('./b.js');\n", 'b.js': 'export const b = 1;\n' });
    expect(g).toEqual(['a.js']);
  });

  it('keeps training code out of the inference-only entry (ddpg-wasm/policy)', () => {
    const training = importGraph(join(ROOT, 'src/policy.ts')).map(rel).filter((f) =>
      /agents[\\/](ddpg|loop|config|checkpoint)\.ts$|[\\/]rl[\\/]|[\\/]envs[\\/]|nn[\\/](adam|losses)\.ts$/.test(f));
    expect(training).toEqual([]);
  });
});
