// The layer and determinism rules of eslint.config.js (docs/DESIGN.md): the
// real src/ passes them, and each rule fires on a snippet that breaks it (a
// rule that cannot fail would prove nothing). Snippets are linted as if they
// were files of src/ (ESLint's lintText with a filePath); nothing is written there.
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONFIG = join(ROOT, 'eslint.config.js');
const eslint = new ESLint({ cwd: ROOT, overrideConfigFile: CONFIG });

type Layers = Array<Record<string, string[]>>;
const { LAYERS, ENGINE_MATH_ALLOWED } = (await import(CONFIG)) as { LAYERS: Layers; ENGINE_MATH_ALLOWED: string[] };

/** `ruleId: message` of every problem ESLint reports for `code` as the file `path` (from the repository root). */
async function lint(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path), warnIgnored: true });
  return result!.messages.map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
}

const rulesOf = (problems: string[]): string[] => [...new Set(problems.map((p) => p.slice(0, p.indexOf(':'))))];

describe('the real src/', () => {
  it('passes every rule, and every .ts file of src/ was linted', async () => {
    const results = await eslint.lintFiles(['src']);
    const problems = results.flatMap((r) => r.messages.map((m) => `${r.filePath.slice(ROOT.length)}:${m.line} ${m.ruleId}: ${m.message}`));
    expect(problems).toEqual([]);
    const files = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    expect(results.map((r) => r.filePath.slice(ROOT.length).replaceAll('\\', '/')).sort()).toEqual(files.map((f) => `src/${f.replaceAll('\\', '/')}`).sort());
  }, 60_000);
});

describe('Node only in src/cli', () => {
  it.each([
    ["import { readFileSync } from 'node:fs';", 'src/nn/x.ts'],
    ["import fs from 'fs';", 'src/agents/x.ts'],
    ["import { readFile } from 'fs/promises';", 'src/envs/x.ts'],
    ["export { join } from 'node:path';", 'src/index.ts'],
    ["import * as os from 'os';", 'src/kernels/x.ts'],
  ])('%s in %s is refused', async (code, path) => {
    expect(rulesOf(await lint(path, code))).toEqual(['no-restricted-imports']);
  });

  it.each(["export const f = () => import('node:fs');", "export const f = () => import('fs/promises');"])('the dynamic import in `%s` is refused outside src/cli', async (code) => {
    expect(rulesOf(await lint('src/agents/x.ts', code))).toEqual(['no-restricted-syntax']);
    expect(await lint('src/cli/x.ts', code)).toEqual([]);
  });

  it.each(['process.exit(1);', "const b = Buffer.from('x');", "const m = require('x');", 'const d = __dirname;'])('the Node global in `%s` is refused outside src/cli', async (code) => {
    expect(rulesOf(await lint('src/rl/x.ts', code))).toEqual(['no-restricted-globals']);
  });

  it('src/cli may use Node', async () => {
    expect(await lint('src/cli/x.ts', "import { readFileSync } from 'node:fs';\nimport path from 'path';\nprocess.exit(0);\n")).toEqual([]);
  });
});

describe('determinism: no Math.random, no engine transcendental math', () => {
  it.each(['src/cli/main.ts', 'src/kernels/x.ts', 'src/rng.ts', ...ENGINE_MATH_ALLOWED])('Math.random is refused in %s', async (path) => {
    expect(rulesOf(await lint(path, 'export const r = Math.random();'))).toEqual(['no-restricted-properties']);
    expect(rulesOf(await lint(path, 'const { random } = Math;\nexport const r = random();'))).toEqual(['no-restricted-properties']);
  });

  it.each(['sin', 'cos', 'tan', 'exp', 'log', 'pow', 'tanh', 'atan2', 'log10', 'expm1', 'log1p', 'hypot', 'cbrt'])('Math.%s is refused in src/ outside the allow-list', async (fn) => {
    for (const path of ['src/nn/x.ts', 'src/envs/x.ts', 'src/kernels/reference.ts', 'src/cli/x.ts']) {
      expect(rulesOf(await lint(path, `export const y = Math.${fn}(0.5, 2);`)), path).toEqual(['no-restricted-properties']);
    }
  });

  it('`**` is Math.pow, except 2 ** <literal>', async () => {
    expect(rulesOf(await lint('src/nn/x.ts', 'export const f = (x: number): number => x ** 2;'))).toEqual(['no-restricted-syntax']);
    expect(rulesOf(await lint('src/rl/x.ts', 'export const t = 10 ** 3;'))).toEqual(['no-restricted-syntax']);
    expect(rulesOf(await lint('src/rl/x.ts', 'let t = 3;\nt **= 2;\nexport { t };'))).toEqual(['no-restricted-syntax']);
    expect(await lint('src/rl/x.ts', 'export const M = 2 ** 31;')).toEqual([]);
  });

  it('exact Math functions are fine everywhere', async () => {
    expect(await lint('src/nn/x.ts', 'export const y = Math.sqrt(Math.abs(Math.fround(Math.floor(Math.max(1, 2)))));')).toEqual([]);
  });

  it.each(ENGINE_MATH_ALLOWED)('%s, on the allow-list, may use engine math', async (path) => {
    expect(await lint(path, 'export const y = 10 ** Math.floor(Math.log10(3));')).toEqual([]);
  });
});

describe('layers', () => {
  const units = LAYERS.flatMap((line, level) => Object.entries(line).map(([name, paths]) => ({ name, level, path: paths[0]! })));
  /** A file of the unit: a made-up one in a folder, the file itself otherwise. */
  const fileIn = (path: string): string => (path.endsWith('/') ? `${path}x.ts` : path);
  /** The specifier `from` would write for `to`, as in src/: './x.js'. */
  const spec = (from: string, to: string): string => {
    const r = posix.relative(posix.dirname(from), to.endsWith('/') ? `${to}y.ts` : to).replace(/\.ts$/, '.js');
    return r.startsWith('.') ? r : `./${r}`;
  };

  it('has the layers docs/DESIGN.md lists, lowest first', () => {
    expect(LAYERS.map((line) => Object.keys(line).join('+'))).toEqual(['kernels', 'base', 'nn', 'rl+envs', 'agents', 'entries', 'cli']);
  });

  it('lists every folder or file in one unit only', () => {
    const paths = LAYERS.flatMap((line) => Object.values(line).flat());
    const overlaps = paths.flatMap((a, i) => paths.filter((b, j) => i !== j && (a === b || (a.endsWith('/') && b.startsWith(a)))).map((b) => `${a} ⊇ ${b}`));
    expect(overlaps).toEqual([]);
  });

  const pairs = units.flatMap((a) => units.map((b) => [a, b] as const));
  it.each(pairs.map(([a, b]) => [a.name, b.name, a.name === b.name || b.level < a.level, a, b] as const))(
    '%s importing %s: allowed %s', async (_a, _b, allowed, a, b) => {
      const from = fileIn(a.path);
      const code = `import { v } from '${spec(from, b.path)}';\nexport const w = v;\n`;
      // Only this rule: a file unit importing itself is also a cycle (layers/no-cycle).
      const problems = (await lint(from, code)).filter((p) => p.startsWith('layers/imports:'));
      expect(problems).toHaveLength(allowed ? 0 : 1);
    });

  it.each([
    ['src/nn/x.ts', "import type { Agent } from '../agents/agent.js';\nexport type A = Agent;", 'a type-only import'],
    ['src/nn/x.ts', "export * from '../rl/buffer.js';", 'export * from'],
    ['src/kernels/x.ts', "export const f = () => import('../nn/network.js');", 'a dynamic import()'],
    ['src/kernels/x.ts', "import { Rng } from '../rng.js';\nexport const r = Rng;", 'kernels below rng'],
    ['src/rl/x.ts', "import { makeEnv } from '../envs/make.js';\nexport const m = makeEnv;", 'rl and envs are siblings'],
    ['src/envs/x.ts', "import { ReplayBuffer } from '../rl/buffer.js';\nexport const b = ReplayBuffer;", 'envs and rl are siblings'],
    ['src/agents/x.ts', "import { Policy } from '../policy/policy.js';\nexport const p = Policy;", 'agents below policy'],
    ['src/lib.ts', "import { main } from './cli/main.js';\nexport const m = main;", 'entries below cli'],
  ])('refuses %s: %s (%s)', async (path, code) => {
    // lib.ts → cli/main.ts is a cycle as well (main.ts imports the entries): layers/no-cycle too.
    expect(rulesOf(await lint(path, code))).toContain('layers/imports');
  });

  it('allows what flows down: agents → envs, nn → rng, cli → the entries, policy → agents', async () => {
    expect(await lint('src/agents/x.ts', "import type { Env } from '../envs/env.js';\nexport type E = Env;")).toEqual([]);
    expect(await lint('src/nn/x.ts', "import { Rng } from '../rng.js';\nexport const r = Rng;")).toEqual([]);
    expect(await lint('src/cli/x.ts', "import { DDPG } from '../index.js';\nexport const d = DDPG;")).toEqual([]);
    expect(await lint('src/policy/x.ts', "import { writeAction } from '../agents/act.js';\nexport const w = writeAction;")).toEqual([]);
  });

  it('refuses a file of src/ that is in no layer, and an import that leaves src/', async () => {
    expect(await lint('src/newdir/x.ts', 'export const x = 1;')).toEqual(['layers/imports: src/newdir/x.ts is in no layer: add it to LAYERS in eslint.config.js']);
    expect(rulesOf(await lint('src/nn/x.ts', "import { ROOT } from '../../bench/dist.js';\nexport const r = ROOT;"))).toEqual(['layers/imports']);
  });
});

describe('no import cycles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lint-cycle-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const write = (files: Record<string, string>): void => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
  };

  it('reports a cycle through files on disk, type-only imports included, with its path', async () => {
    write({
      'src/a.ts': "import { b } from './b.js';\nexport const a = b;\n",
      'src/b.ts': "import type { C } from './c.js';\nexport const b: C = 1;\n",
      'src/c.ts': "import { a } from './a.js';\nexport type C = typeof a;\n",
      'src/d.ts': "import { a } from './a.js';\nexport const d = a;\n",
    });
    const results = await new ESLint({ cwd: dir, overrideConfigFile: CONFIG }).lintFiles(['src']);
    const cycles = results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'layers/no-cycle').map((m) => m.message));
    expect(cycles).toHaveLength(3); // a, b and c each report it; d only imports into it
    expect(cycles.join('\n')).toMatch(/import cycle: \S*src\/a\.ts → \S*src\/b\.ts → \S*src\/c\.ts → \S*src\/a\.ts/);
  });

  it('reports a file that imports itself', async () => {
    write({ 'src/self.ts': "import { s } from './self.js';\nexport const t = s;\nexport const s = 1;\n" });
    const [result] = await new ESLint({ cwd: dir, overrideConfigFile: CONFIG }).lintFiles(['src/self.ts']);
    expect(rulesOf(result!.messages.map((m) => `${m.ruleId}: ${m.message}`))).toContain('layers/no-cycle');
  });
});
