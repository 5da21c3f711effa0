/**
 * scripts/bundle.mjs on small hand-written dist/ trees (regressions found in
 * review): each case writes a fake tsc output, bundles a copy of the script next
 * to it, and compares what the unbundled and the bundled modules compute, or
 * checks that the build fails with a message naming the problem. No `npm run
 * build` needed; about half a second per case.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../cli/helpers.js';

const BASE: Record<string, string> = {
  'index.js': "export { P } from './core.js';\nexport { L } from './lib.js';\nexport { W } from './kernels/wasm-bytes.js';\n",
  'policy.js': "export { P } from './core.js';\nexport { W } from './kernels/wasm-bytes.js';\n",
  'workerd.js': "export { P } from './core.js';\nexport { L } from './lib.js';\n",
  'policy-workerd.js': "export { P } from './core.js';\n",
  'cli/main.js': "#!/usr/bin/env node\nimport { L } from '../lib.js';\nexport const C = L;\n",
  'kernels/wasm-bytes.js': "export const W = 'w';\n",
  'core.js': 'export class P {\n}\n',
  'lib.js': 'export const L = 1;\n',
};

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Bundled { ok: boolean; message: string; dir: string; read: (file: string) => string }

/** Bundles BASE overridden by `files`; orig/ keeps the unbundled modules. */
function bundle(files: Record<string, string>): Bundled {
  const dir = mkdtempSync(join(tmpdir(), 'ddpg-bundle-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'scripts'));
  for (const s of ['bundle.mjs', 'strip-indent.mjs']) cpSync(join(ROOT, 'scripts', s), join(dir, 'scripts', s));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  for (const d of ['dist', 'orig']) {
    for (const [p, text] of Object.entries({ ...BASE, ...files })) {
      mkdirSync(dirname(join(dir, d, p)), { recursive: true });
      writeFileSync(join(dir, d, p), text);
    }
  }
  const r = spawnSync(process.execPath, ['scripts/bundle.mjs'], { cwd: dir, encoding: 'utf8' });
  return { ok: r.status === 0, message: r.stderr, dir, read: (file) => readFileSync(join(dir, 'dist', file), 'utf8') };
}

/** What `expr` (over the namespace `m` of <tree>/index.js) evaluates to, JSON, in a fresh node process. */
function evaluate(dir: string, tree: 'orig' | 'dist', expr: string): unknown {
  const script = `const m = await import('./${tree}/index.js'); console.log(JSON.stringify(await (async () => ${expr})()));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${tree}: ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown;
}

describe('scripts/bundle.mjs on a hand-written tree it can bundle', () => {
  let b: Bundled;
  beforeAll(() => {
    b = bundle({
      'index.js': "export { P, Q } from './core.js';\nexport { L, S, V } from './lib.js';\nexport { N } from './names.js';\nexport { SH } from './shorthand.js';\n" +
        "export { W } from './kernels/wasm-bytes.js';\n",
      'core.js': "export class P {\n    constructor() {\n        if (new.target === P)\n            throw new TypeError('P is abstract');\n    }\n}\nexport class Q extends P {\n}\n",
      // Blank lines inside a multi-line template literal; a string continued with backslashes.
      'lib.js': "import {} from './types.js';\nimport { W } from './kernels/wasm-bytes.js';\n" +
        'export const L = `Usage: ddpg-wasm train\n\nOptions:\n    --seed N\n    \n  end${W}`;\n' +
        "export const S = 'a\\\n\\\n\\\nb';\nconst seen = [];\nexport const V = (() => { seen.push(1); return seen.length; })();\nexport { L as L2 };\n",
      // Imported only as `import {} from` (what verbatimModuleSyntax leaves of a type-only import).
      'types.js': 'export const KIND = 7;\n',
      'values.js': "export const helper = 0, Thing = 0, check = 0, later = 0;\nexport const a = 'A2', b = 'B2', c = 'C2', d = 'D2';\n",
      // Function names that clash with the plain values of values.js, which come first.
      'names.js': "import { helper as h0, Thing as t0, check as c0, later as l0 } from './values.js';\n" +
        'function helper() { return 1; }\nconst Thing = class {\n};\nconst check = (v) => v;\nlet later;\nconst set = (() => { later = function () { return 2; }; })();\n' +
        'export const N = [h0, t0, c0, l0, helper(), helper.name, Thing.name, check.name, new Thing().constructor.name, later.name, later()];\n',
      // Renamed bindings in shorthand properties and destructuring patterns.
      'shorthand.js': [
        "import { a as a2, b as b2, c as c2, d as d2 } from './values.js';",
        'const { a = 1, q: { b } = { b: 2 } } = { q: undefined };',
        'let c, d;',
        'function init() { ({ c = 3, d } = { d: 4 }); return 0; }',
        'const done = init();',
        'const o = { a, b, c, d, a2, b2, c2, d2, done };',
        'function f({ a = b } = {}, [x = c] = []) { lbl: for (;;) { break lbl; } return [a, x, typeof d]; }',
        "const re = /\\/\\/ a/g, s = 'x // y', t = `u${a}//v`;",
        'export const SH = JSON.stringify([o, f(), re.source, s, t]);',
      ].join('\n') + '\n',
      // The one module that may run code at top level.
      'cli/main.js': "#!/usr/bin/env node\nimport { L } from '../lib.js';\nexport const C = L;\nglobalThis.__cli = C;\n",
    });
  });

  it('bundles it, and the bundle computes what the modules compute', () => {
    expect(b.message).toBe('');
    expect(b.ok).toBe(true);
    const all = '[m.L, m.S, m.V, m.N, m.SH]';
    expect(evaluate(b.dir, 'dist', all)).toEqual(evaluate(b.dir, 'orig', all));
  });

  it('keeps blank lines inside multi-line template literals, and drops only the lines import/export removal emptied', () => {
    expect(evaluate(b.dir, 'dist', 'm.L')).toBe('Usage: ddpg-wasm train\n\nOptions:\n    --seed N\n    \n  endw');
    expect(evaluate(b.dir, 'dist', 'm.S')).toBe('ab');
    // The only blank lines left are the literal's.
    expect([...b.read('chunks/library.js').matchAll(/\n[ \t]*(?=\n)/g)].map((m) => m[0])).toEqual(['\n', '\n    ']);
    for (const f of ['index.js', 'cli/main.js', 'chunks/core.js']) expect(b.read(f)).not.toMatch(/\n\s*\n/);
  });

  it('leaves new.target alone', () => {
    expect(b.read('chunks/core.js')).toContain('new.target === P');
    expect(evaluate(b.dir, 'dist', "[(() => { try { new m.P(); return 'constructed'; } catch (e) { return e.message; } })(), new m.Q() instanceof m.P]"))
      .toEqual(['P is abstract', true]);
  });

  it('never changes the .name of a function or class: the plain binding that clashes is renamed instead', () => {
    expect(evaluate(b.dir, 'dist', 'm.N')).toEqual([0, 0, 0, 0, 1, 'helper', 'Thing', 'check', 'Thing', 'later', 2]);
    expect(b.read('chunks/library.js')).toMatch(/^const helper\$1 = 0, Thing\$1 = 0, check\$1 = 0, later\$1 = 0;$/m);
  });

  it('bundles a module imported only as `import {} from`, before its importer', () => {
    const manifest = JSON.parse(readFileSync(join(b.dir, 'build/bundle-manifest.json'), 'utf8')) as { outputs: Record<string, string[]>; unreached: string[] };
    expect(manifest.unreached).toEqual([]);
    const lib = manifest.outputs['chunks/library.js']!;
    expect(lib.indexOf('types.js')).toBeGreaterThanOrEqual(0);
    expect(lib.indexOf('types.js')).toBeLessThan(lib.indexOf('lib.js'));
    expect(b.read('chunks/library.js')).toContain('const KIND = 7;');
  });

  it('allows variable initializers anywhere and top-level calls in cli/main.js', () => {
    expect(evaluate(b.dir, 'dist', 'm.V')).toBe(1);
    expect(b.read('cli/main.js')).toMatch(/^#!\/usr\/bin\/env node\n\/\/ Bundled/);
    expect(b.read('cli/main.js')).toContain('globalThis.__cli = C;');
  });
});

describe('scripts/bundle.mjs fails the build', () => {
  it('when an output does not parse', () => {
    // The typescript parser takes this; V8 (node --check) does not.
    const b = bundle({ 'lib.js': 'let x = 1;\nlet x = 2;\nexport const L = x;\n' });
    expect(b.ok).toBe(false);
    expect(b.message).toContain('does not parse');
    expect(b.message).toMatch(/dist\/chunks\/library\.js:\d+[\s\S]*has already been declared/);
  });

  it('on top-level code outside declarations in any module but cli/main.js', () => {
    const b = bundle({
      'index.js': "export { L } from './lib.js';\nexport { P } from './core.js';\nexport { W } from './kernels/wasm-bytes.js';\n",
      'lib.js': "(globalThis.__log ??= []).push('lib');\nexport const L = 1;\n",
      'core.js': 'let n = 0;\nn = 1;\nexport class P {\n}\n',
    });
    expect(b.ok).toBe(false);
    expect(b.message).toContain('top-level code outside declarations');
    expect(b.message).toContain("dist/lib.js:1: (globalThis.__log ??= []).push('lib');");
    expect(b.message).toContain('dist/core.js:2: n = 1;');
  });

  it('naming both src/ modules when two function names clash in one output', () => {
    const b = bundle({
      'lib2.js': 'export function checkDim(v) {\n    return v;\n}\n',
      'lib.js': "import { checkDim as c2 } from './lib2.js';\nconst checkDim = (v) => c2(v) + 1;\nexport const L = checkDim(1);\n",
    });
    expect(b.ok).toBe(false);
    expect(b.message).toContain('function checkDim of src/lib2.ts and function-valued binding checkDim of src/lib.ts');
    expect(b.message).toContain('rename one of them in src/');
  });

  it('when a function would hide a global another module of the output uses', () => {
    const b = bundle({
      'lib2.js': 'export function structuredClone(v) {\n    return v;\n}\n',
      'lib.js': "import { structuredClone as s } from './lib2.js';\nexport const L = [s(1), structuredClone(2)];\n",
    });
    expect(b.ok).toBe(false);
    expect(b.message).toContain('function structuredClone of src/lib2.ts would hide the global structuredClone that src/lib.ts uses');
  });
});
