/**
 * The declaration files the package ships (scripts/prune-types.mjs, issue 7):
 * exactly the ones the TypeScript compiler itself loads for a consumer of the
 * four entries, and that consumer type-checks against dist/ with skipLibCheck
 * off (so a reference in a shipped .d.ts to a file that is not shipped fails).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../cli/helpers.js';

beforeAll(ensureBuilt, 180_000);

const DIST = join(ROOT, 'dist');
const posixRel = (base: string, p: string): string => relative(base, p).split(sep).join('/');

/** The consumer: the package by name (its "exports" types), and the two workerd entries by path. */
const consumer = (dist: string): string => `
import { DDPG, TD3, SAC, createKernels, makeEnv, init, initSync, initFast, Policy, dmath, stats, ReplayBuffer, Rng, VERSION, type DDPGConfig, type LearnOptions } from 'ddpg-wasm';
import { Policy as InferencePolicy, init as initPolicy, initSync as initPolicySync, type WasmSource } from 'ddpg-wasm/policy';
import * as edge from ${JSON.stringify(`${dist}/workerd.js`)};
import * as edgePolicy from ${JSON.stringify(`${dist}/policy-workerd.js`)};

await init();
initSync();
const fast: Promise<boolean> = initFast(new Uint8Array(0));
const env = makeEnv('Pendulum-v1');
const agent = new DDPG(env, { preset: 'keras', seed: 1 });
const action: Float32Array = agent.act(new Float32Array(3));
const bytes: Uint8Array = agent.save({ kind: 'policy' });
const policy: Policy = InferencePolicy.load(bytes);
const out: Float32Array = policy.act([0, 1, 0]);
const agents = [agent, new TD3(env), new SAC(env)];
const buffer = new ReplayBuffer(10, 3, 1);
const s: number = dmath.sin(1) + new Rng(1).float() + buffer.size;
const summary: stats.Summary = stats.summarize([[stats.iqm([s, 1])]]);
const config: DDPGConfig | undefined = undefined;
const learn: LearnOptions = {};
const src: WasmSource | undefined = undefined;
const version: string = VERSION;
const inits: Array<() => Promise<void>> = [initPolicy, edge.init, edgePolicy.init];
const syncs: Array<() => void> = [initPolicySync, edge.initSync, edgePolicy.initSync];
const edgeAgent: InstanceType<typeof edge.DDPG> = new edge.DDPG(edge.makeEnv('Pendulum-v1'));
// @ts-expect-error the types are real, not any: DDPG needs an environment
new DDPG();
const memoryBytes: number = createKernels().memory.buffer.byteLength;
await init(new Uint8Array(0));
export { fast, action, out, agents, s, config, learn, src, version, inits, syncs, edgeAgent, memoryBytes };
`;

/** Declaration files npm would pack (dist-relative). */
function shippedDeclarations(): string[] {
  const json = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  const [pack] = JSON.parse(json) as { files: { path: string }[] }[];
  return pack!.files.map((f) => f.path).filter((p) => p.endsWith('.d.ts')).map((p) => p.replace(/^dist\//, '')).sort();
}

function declarationsIn(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return declarationsIn(p);
    return d.name.endsWith('.d.ts') ? [p] : [];
  });
}

const OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
  strict: true, exactOptionalPropertyTypes: true, noEmit: true, skipLibCheck: false,
};

const errors = (p: ts.Program, cwd: string): string =>
  ts.formatDiagnostics(ts.getPreEmitDiagnostics(p), { getCanonicalFileName: (f) => f, getCurrentDirectory: () => cwd, getNewLine: () => '\n' });

describe('the shipped declaration files', () => {
  let tmp = '';
  let program: ts.Program;
  let nodeProgram: ts.Program;

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'ddpg-wasm-types-'));
    mkdirSync(join(tmp, 'node_modules'));
    symlinkSync(ROOT, join(tmp, 'node_modules', 'ddpg-wasm'), 'junction');
    const file = join(tmp, 'consumer.mts');
    writeFileSync(file, consumer(realpathSync(DIST).split(sep).join('/')));
    program = ts.createProgram([file], { ...OPTIONS, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], types: [] });
    // A Node project: no DOM lib (so no WebAssembly or BufferSource globals), @types/node.
    nodeProgram = ts.createProgram([file], { ...OPTIONS, lib: ['lib.es2022.d.ts'], types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')] });
  });
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('type-check a consumer of ddpg-wasm, ddpg-wasm/policy and the workerd entries under moduleResolution nodenext', () => {
    expect(errors(program, tmp)).toBe('');
  });

  it('type-check the same consumer in a Node project without the DOM lib (WebAssembly types looked up, not named)', () => {
    expect(errors(nodeProgram, tmp)).toBe('');
  });

  it('are exactly the .d.ts files that consumer loads from dist/: each is reachable, and only those are packed', () => {
    const dist = realpathSync(DIST);
    const loaded = program.getSourceFiles().map((sf) => sf.fileName).filter((f) => !posixRel(dist, f).startsWith('..')).map((f) => posixRel(dist, f)).sort();
    expect(loaded).toContain('index.d.ts');
    expect(loaded).toContain('workerd.d.ts');
    expect(declarationsIn(DIST).map((f) => posixRel(DIST, f)).sort()).toEqual(loaded);
    expect(shippedDeclarations()).toEqual(loaded);
  });

  it('leave the CLI and the internal modules out', () => {
    const shipped = declarationsIn(DIST).map((f) => posixRel(DIST, f));
    expect(shipped.filter((f) => f.startsWith('cli/'))).toEqual([]);
    expect(shipped).not.toContain('kernels/wasm-bytes.d.ts');
  });
});
