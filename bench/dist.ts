/**
 * The package as published, for the size, latency (cold start) and memory
 * suites: they measure dist/ (what `npm pack` ships), not src/.
 * `npm run bench` has just rebuilt build/kernels.wasm, so `ensureDist` compiles
 * src/ → dist/, bundles it (scripts/bundle.mjs) and copies the wasm, the rest of
 * `npm run build` but the .d.ts.
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

let built: string | null = null;

/**
 * Brings dist/ up to date once per process. Returns a note (empty when clean):
 * tsc still emits when another part of src/ has type errors, so the suites can
 * run on a tree with work in progress, but they say so.
 */
export function ensureDist(): string {
  if (built !== null) return built;
  const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, encoding: 'utf8' });
  const bundle = spawnSync(process.execPath, ['scripts/bundle.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (bundle.status !== 0) throw new Error(`could not bundle dist/: ${bundle.stderr || tsc.stdout}`);
  const copy = spawnSync(process.execPath, ['scripts/finish-dist.mjs'], { cwd: ROOT, encoding: 'utf8' });
  if (copy.status !== 0 || !existsSync(join(ROOT, 'dist/index.js'))) {
    throw new Error(`could not build dist/: ${copy.stderr || tsc.stdout}`);
  }
  const errors = tsc.status === 0 ? 0 : (tsc.stdout.match(/error TS/g) ?? []).length;
  built = errors === 0 ? '' : `dist/ was emitted with ${errors} type error(s) elsewhere in src/ (work in progress); numbers are still of the emitted code.`;
  return built;
}

/** `import … from './x.js'`, `export … from './x.js'`, `import './x.js'`; not `import type` / `export type` (erased by tsc). */
const IMPORT = /(?:^|[;\n}])\s*(?:import|export)\s(?!type\s)[^'"]*?from\s*['"](\.[^'"]+)['"]|(?:^|[;\n}])\s*import\s*['"](\.[^'"]+)['"]/g;

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
