/**
 * What rolldown (rolldown.config.mjs) leaves in dist/ (issue 7: cold start and
 * package size; issue 13: a standard bundler): the four entries with the export
 * names of their src/ modules, three shared chunks, the CLI as one file, and
 * nothing else; every module in exactly one output; one loader (one module
 * state) for both entries; minified, with the names of functions and classes
 * kept.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { importGraph, rel } from '../../bench/dist.js';
import { BENCH } from '../../src/cli/bench.js';
import { CONFIG } from '../../src/cli/config.js';
import { helpText } from '../../src/cli/args.js';
import { EVAL } from '../../src/cli/eval.js';
import { TRAIN } from '../../src/cli/train.js';
import { cli, ensureBuilt, ROOT } from '../cli/helpers.js';

beforeAll(ensureBuilt, 180_000);

const DIST = join(ROOT, 'dist');
const ENTRIES = ['index', 'policy', 'workerd', 'policy-workerd', 'normalize'] as const;
const CHUNKS = ['chunks/core.js', 'chunks/fast.js', 'chunks/library.js', 'chunks/normalize.js', 'chunks/threads.js', 'chunks/wasm-bytes.js'];

interface Manifest { outputs: Record<string, string[]>; unreached: string[] }
const manifest = (): Manifest => JSON.parse(readFileSync(join(ROOT, 'build/bundle-manifest.json'), 'utf8')) as Manifest;

/** Files under `base` ending in `ext`, as posix paths relative to `base`. */
function files(base: string, ext: string, dir = base): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return files(base, ext, p);
    return d.name.endsWith(ext) ? [relative(base, p).split(sep).join('/')] : [];
  });
}

/** Value export names of a src/ entry, from the checker (type-only exports left out: they are not in the JS). */
function srcExports(entry: string): string[] {
  const file = join(ROOT, 'src', `${entry}.ts`);
  const program = ts.createProgram([file], { module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022, noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const sym = checker.getSymbolAtLocation(program.getSourceFile(file)!)!;
  return checker.getExportsOfModule(sym)
    .filter((s) => ((s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s).flags & ts.SymbolFlags.Value) !== 0)
    .map((s) => s.name).sort();
}

/** Export names of a bundled file: its one `export { … }` list (the bundler writes no other export form). */
function distExports(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(join(DIST, file), 'utf8'), ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
  const names: string[] = [];
  for (const s of sf.statements) {
    if (ts.isExportDeclaration(s) && s.exportClause && ts.isNamedExports(s.exportClause) && !s.moduleSpecifier) {
      names.push(...s.exportClause.elements.map((e) => e.name.text));
    } else if (ts.isExportDeclaration(s) || ts.isExportAssignment(s) || (ts.canHaveModifiers(s) && ts.getModifiers(s)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword))) {
      throw new Error(`${file}: unexpected export form at ${s.getText(sf).slice(0, 60)}`);
    }
  }
  return names.sort();
}

/** Relative specifiers of a bundled file's static imports, from its syntax tree. */
function importsOf(file: string): string[] {
  const sf = ts.createSourceFile(file, readFileSync(join(DIST, file), 'utf8'), ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS);
  return sf.statements.flatMap((s) =>
    ts.isImportDeclaration(s) && ts.isStringLiteral(s.moduleSpecifier) && s.moduleSpecifier.text.startsWith('.') ? [s.moduleSpecifier.text] : []);
}

describe('the bundled dist/', () => {
  it.each(ENTRIES.map((e) => [e, e]))('dist/%s.js exports exactly the value exports of src/%s.ts', (entry) => {
    expect(distExports(`${entry}.js`)).toEqual(srcExports(entry));
  });

  it('dist/index.js and dist/policy.js have those exports at run time too', async () => {
    for (const entry of ['index', 'policy']) {
      const dist = (await import(join(DIST, `${entry}.js`))) as object;
      expect(Object.keys(dist)).toEqual(srcExports(entry)); // namespace keys are sorted, like srcExports
    }
  });

  it('has no .js besides the entries, the chunks and cli/main.js', () => {
    expect(files(DIST, '.js').sort()).toEqual([...CHUNKS, 'cli/main.js', ...ENTRIES.map((e) => `${e}.js`)].sort());
  });

  it('put every module of src/ into exactly one output file', () => {
    const m = manifest();
    const placed = Object.values(m.outputs).flat();
    // A module that declares no value of its own (types and re-exports only) compiles to
    // nothing: no output holds it. The generated inlined modules are src/'s only .js files.
    const declaresNoValue = (f: string): boolean =>
      ts.createSourceFile(f, readFileSync(join(ROOT, 'src', f), 'utf8'), ts.ScriptTarget.ES2022).statements.every((st) =>
        ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st) || ts.isImportDeclaration(st) ||
        (ts.isExportDeclaration(st) && (st.isTypeOnly || st.moduleSpecifier !== undefined)) ||
        (ts.isFunctionDeclaration(st) && st.modifiers?.some((m) => m.kind === ts.SyntaxKind.DeclareKeyword) === true));
    const sources = [...files(join(ROOT, 'src'), '.ts').filter((f) => !f.endsWith('.d.ts')), ...files(join(ROOT, 'src'), '.js')];
    const asJs = (f: string): string => f.replace(/\.ts$/, '.js');
    expect(sources.filter(declaresNoValue).map(asJs).sort()).toEqual(['agents/agent.js', 'envs/index.js', 'lib.js', 'nn/index.js', 'normalize.js', 'sweep.js']);
    // normalize.ts re-exports only, but as an entry it is an output of its own (dist/normalize.js).
    expect(m.unreached).toEqual(sources.filter(declaresNoValue).map(asJs).filter((f) => f !== 'normalize.js').sort());
    expect(placed.length).toBe(new Set(placed).size);
    expect([...placed].sort()).toEqual(sources.filter((f) => !declaresNoValue(f) || f === 'normalize.ts').map(asJs).sort());
    expect(m.outputs['chunks/core.js']).toContain('kernels/loader.js');
    // The inlined full module and the default entry's init, which only that entry (and the CLI, through it) reach.
    expect(m.outputs['chunks/wasm-bytes.js']).toEqual(['kernels/wasm-bytes.js', 'index.js']);
    // initThreads' code (issue 17) is its own chunk, which only that opt-in import()s: no entry loads it up front.
    expect(m.outputs['chunks/threads.js']).toEqual(['kernels/threads.js']);
    // So is initFast's (the relaxed-SIMD module's loader), for the same reason.
    expect(m.outputs['chunks/fast.js']).toEqual(['kernels/fast.js']);
    for (const e of ENTRIES) expect(importGraph(join(DIST, `${e}.js`)).map(rel), e).not.toContain('dist/chunks/threads.js');
    for (const e of ENTRIES) expect(importGraph(join(DIST, `${e}.js`)).map(rel), e).not.toContain('dist/chunks/fast.js');
    expect(m.outputs['cli/main.js']!.every((f) => f.startsWith('cli/'))).toBe(true);
  });

  it('keeps training code out of the policy entries: they reach only the core chunk (ddpg-wasm/policy holds its own forward-only module)', () => {
    expect(importGraph(join(DIST, 'policy.js')).map(rel).sort()).toEqual(['dist/chunks/core.js', 'dist/policy.js']);
    expect(manifest().outputs['policy.js']).toEqual(['kernels/policy-bytes.js', 'policy.js']);
    expect(importGraph(join(DIST, 'policy-workerd.js')).map(rel).sort()).toEqual(['dist/chunks/core.js', 'dist/kernels.wasm', 'dist/policy-workerd.js']);
    expect(importsOf('chunks/core.js')).toEqual([]);
    expect(manifest().outputs['chunks/core.js']!.filter((f) => /^(rl|envs)\/|agents\/(ddpg|td3|sac|loop)\.js|nn\/adam\.js/.test(f))).toEqual([]);
  });

  it('lets the workerd entries import ./kernels.wasm as a module and never the base64', () => {
    for (const e of ['workerd.js', 'policy-workerd.js']) {
      // A default import (`import k from"./kernels.wasm"`): the runtime hands over the compiled module.
      const sf = ts.createSourceFile(e, readFileSync(join(DIST, e), 'utf8'), ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS);
      const wasm = sf.statements.filter(ts.isImportDeclaration).filter((s) => (s.moduleSpecifier as ts.StringLiteral).text === './kernels.wasm');
      expect(wasm.map((s) => [s.importClause?.name !== undefined, s.importClause?.namedBindings]), e).toEqual([[true, undefined]]);
      expect(importsOf(e)).not.toContain('./chunks/wasm-bytes.js');
    }
  });

  it('builds the CLI as one file that imports library code from the chunks and keeps its shebang', () => {
    const text = readFileSync(join(DIST, 'cli/main.js'), 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(importsOf('cli/main.js').every((s) => s.startsWith('../chunks/') || s === '../index.js')).toBe(true);
    // No second copy of a library class: those live in the chunks only.
    expect(text).not.toMatch(/\bclass (Network|Arena|DDPG|Policy)\b|\b(Network|Arena|DDPG|Policy)=class\b/);
  });

  it('has one loader: init() from ddpg-wasm also serves ddpg-wasm/policy; ddpg-wasm/policy\'s own init() serves only Policy', () => {
    const run = (script: string): string => execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: DIST, encoding: 'utf8' }).trim();
    const trainAndAct = `
      const env = lib.makeEnv('Pendulum-v1');
      const agent = new lib.DDPG(env, { preset: 'keras', seed: 3 });
      const obs = new Float32Array([0.6, -0.8, 0.3]);
      const a = agent.act(obs)[0], b = policy.Policy.load(agent.save({ kind: 'policy' })).act(obs)[0];
      console.log(lib.isInitialized(), a === b && Number.isFinite(a));`;
    expect(run(`const lib = await import('./index.js'); await lib.init(); const policy = await import('./policy.js'); ${trainAndAct}`)).toBe('true true');
    // ddpg-wasm/policy's initSync() compiles its forward-only module: agents still need ddpg-wasm's init(), and say so.
    const policyFirst = `const policy = await import('./policy.js'); policy.initSync(); const lib = await import('./index.js');`;
    expect(run(`${policyFirst} try { new lib.DDPG(lib.makeEnv('Pendulum-v1')); } catch (e) { console.log(lib.isInitialized(), e.message); }`))
      .toMatch(/^false ddpg-wasm is not initialized: call `await init\(\)`.*ddpg-wasm\/policy's init\(\) loads only what Policy needs/);
    expect(run(`${policyFirst} lib.initSync(); ${trainAndAct}`)).toBe('true true');
  });
});

describe('the minified output', () => {
  it('keeps the name of every exported function and class, as src/ spells it', async () => {
    for (const entry of ['index', 'policy']) {
      const dist = (await import(join(DIST, `${entry}.js`))) as Record<string, unknown>;
      const named = Object.entries(dist).filter((e): e is [string, (...a: unknown[]) => unknown] => typeof e[1] === 'function');
      expect(named.length).toBeGreaterThan(entry === 'index' ? 30 : 2);
      for (const [name, fn] of named) expect(fn.name, `${entry}.js: ${name}`).toBe(name);
    }
  });

  it('keeps the names of internal classes and functions too (stack traces stay readable)', () => {
    const text = readFileSync(join(DIST, 'chunks/library.js'), 'utf8');
    for (const name of ['OffPolicyAgent', 'RunLoop', 'EpisodicEnv']) expect(text).toMatch(new RegExp(`\\b${name}=class\\b|\\bclass ${name}\\b`));
    expect(readFileSync(join(DIST, 'chunks/core.js'), 'utf8')).toMatch(/\bfunction instantiateKernels\(/);
  });

  it('has no comments and no line breaks outside literals', () => {
    for (const file of [...CHUNKS.filter((c) => !c.includes('wasm-bytes')), ...ENTRIES.map((e) => `${e}.js`)]) {
      const text = readFileSync(join(DIST, file), 'utf8');
      expect(text.split('\n').length, file).toBeLessThanOrEqual(2 + (text.match(/`[^`]*\n[^`]*`/g) ?? []).join('').split('\n').length);
      expect(text, file).not.toMatch(/^\s*\/\/|\/\*\*/m);
    }
  });

  it('leaves the CLI help texts as src/ builds them', async () => {
    for (const [cmd, spec] of [['train', TRAIN], ['eval', EVAL], ['bench', BENCH], ['config', CONFIG]] as const) {
      const r = await cli(cmd, '--help');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${helpText(spec)}\n`);
    }
    expect((await cli('--help')).stdout).toMatch(/\n {2}ddpg-wasm train --steps 5000 --seed 1/);
  });
});
