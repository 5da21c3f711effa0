/**
 * The edge entries (src/workerd.ts, src/policy-workerd.ts; the `workerd` and
 * `edge-light` export conditions). Importing them needs a runtime that turns
 * `import m from './kernels.wasm'` into a WebAssembly.Module (workerd:
 * test/cross/e2e/worker.test.ts; Node and vitest cannot), so here their source
 * is read: their export statements and what they import.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const src = (p: string): string => readFileSync(new URL(`../../src/${p}`, import.meta.url), 'utf8');
/** Relative import specifiers of a source file. */
const importsOf = (p: string): string[] => [...src(p).matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)'/gm)].map((m) => m[1]!);

/** `export function init(…` / `export * from …` lines, signatures only. */
const exportsOf = (p: string): string[] => [...src(p).matchAll(/^export [^{]*/gm)].map((m) => m[0].trim());

/** Every src/ file reachable from `entry` by relative imports (…/x.js names …/x.ts where that exists: the inlined wasm is generated .js). */
function reachable(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    if (!file.endsWith('.ts')) return;
    const dir = file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '';
    for (const spec of importsOf(file)) {
      const parts = (dir + spec).split('/');
      const out: string[] = [];
      for (const part of parts) {
        if (part === '..') out.pop();
        else if (part !== '.') out.push(part);
      }
      const js = out.join('/'), ts = js.replace(/\.js$/, '.ts');
      visit(existsSync(new URL(`../../src/${ts}`, import.meta.url)) ? ts : js);
    }
  };
  visit(entry);
  return seen;
}

describe('edge entries', () => {
  it('workerd.ts has the export statements of index.ts', () => {
    expect(exportsOf('workerd.ts')).toEqual(exportsOf('index.ts'));
  });

  it('policy-workerd.ts has the export statements of policy.ts', () => {
    expect(exportsOf('policy-workerd.ts')).toEqual(exportsOf('policy.ts'));
  });

  it('neither reaches the inlined base64 module (edge runtimes would ship it for nothing)', () => {
    for (const entry of ['workerd.ts', 'policy-workerd.ts']) {
      const files = reachable(entry);
      expect(files.has('kernels.wasm'), entry).toBe(true);
      expect(files.has('kernels/wasm-bytes.js'), entry).toBe(false);
      expect(files.has('kernels/policy-bytes.js'), entry).toBe(false);
    }
  });

  it('the default entries do reach theirs (so the reachability scan is not vacuous); ddpg-wasm/policy only the forward-only one', () => {
    expect(reachable('index.ts').has('kernels/wasm-bytes.js')).toBe(true);
    expect(reachable('policy.ts').has('kernels/policy-bytes.js')).toBe(true);
    expect(reachable('policy.ts').has('kernels/wasm-bytes.js')).toBe(false);
  });
});
