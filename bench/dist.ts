/**
 * The package as published, for the size, latency (cold start) and memory
 * suites: they measure dist/ (what `npm pack` ships), not src/.
 * `npm run bench` has just rebuilt build/kernels.wasm, so `ensureDist` runs the
 * rest of `npm run build`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file with the package's package.json (bench/.out/bench/ when compiled). */
export const ROOT = ((): string => {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'ddpg-wasm') return dir;
  }
  throw new Error('bench: cannot find the ddpg-wasm package root');
})();

let built = false;

/** Brings dist/ up to date once per process: `npm run build:dist` (all of `npm run build` after the wasm). */
export function ensureDist(): void {
  if (built) return;
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['run', 'build:dist'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0 || !existsSync(join(ROOT, 'dist/index.js'))) throw new Error(`could not build dist/:\n${r.stdout}\n${r.stderr}`);
  built = true;
}

/**
 * `import … from './x.js'`, `export … from './x.js'`, `import './x.js'`, written out
 * (src/) or minified (`import{a as b}from"./x.js"`, dist/); not `import type` /
 * `export type` (erased by tsc) and not `import('…')`.
 */
const IMPORT = /(?:^|[;\n}])\s*(?:import|export)(?=[\s{*])(?!\s+type[\s{])[^'"]*?from\s*['"](\.[^'"]+)['"]|(?:^|[;\n}])\s*import\s*['"](\.[^'"]+)['"]/g;

/**
 * Every file an ESM entry pulls in through relative static imports (dynamic
 * `import()` excluded: a bundler splits those into lazy chunks), entry first.
 * Works on dist/*.js (the entry and the dist/chunks/ files it imports) and on
 * src/*.ts (where './x.js' names './x.ts').
 */
export function importGraph(entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!/\.[jt]s$/.test(file)) return; // e.g. the .wasm a workerd entry imports
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2];
      if (spec === undefined) continue;
      const target = resolve(dirname(file), spec);
      const ts = target.replace(/\.js$/, '.ts');
      visit(file.endsWith('.ts') && !existsSync(target) && existsSync(ts) ? ts : target);
    }
  };
  visit(resolve(entry));
  return [...seen];
}

/** Path relative to the repository root, for tables. */
export const rel = (file: string): string => relative(ROOT, file);
