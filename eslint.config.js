// The layer and determinism rules of src/ (docs/DESIGN.md, "Layers" and
// "Determinism"), checked by ESLint: `npm run lint`, and in `npm test` through
// test/lint/rules.test.ts, which also proves that every rule below fires.
// Only src/ is linted; there are no style rules.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import tsParser from '@typescript-eslint/parser';
import ts from 'typescript';

const ROOT = dirname(fileURLToPath(import.meta.url));

/**
 * The layers of src/, lowest first; data flows down. Each line names one or
 * more units; a unit is a list of folders (ending in '/') and files. A file may
 * import any file of its own unit and of every unit on a LOWER line, nothing
 * else: not a higher line, and not another unit on its own line (rl and envs
 * are independent). Type-only imports count too. Every file of src/ must be in
 * exactly one unit. To move a file, move its path here.
 */
export const LAYERS = [
  { kernels: ['src/kernels/'] },
  // rng.ts uses the deterministic log of kernels/math.ts; version.ts and show.ts import nothing; stats.ts uses rng.ts.
  { base: ['src/rng.ts', 'src/version.ts', 'src/show.ts', 'src/stats.ts'] },
  { nn: ['src/nn/'] },
  { rl: ['src/rl/'], envs: ['src/envs/'] },
  { agents: ['src/agents/'] },
  // The inference-only Policy and the package's entry files, which re-export everything below.
  // sweep.ts: the types of ddpg-wasm/sweep (Node only; its code is the CLI bundle's export of cli/sweep.ts).
  { entries: ['src/policy/', 'src/index.ts', 'src/lib.ts', 'src/policy.ts', 'src/workerd.ts', 'src/policy-workerd.ts', 'src/normalize.ts', 'src/wasm-module.d.ts', 'src/sweep.ts'] },
  // The only Node-only code.
  { cli: ['src/cli/'] },
];

/** Files allowed engine transcendental math (Math.log10, `**`, …), each with its reason in docs/DESIGN.md. */
export const ENGINE_MATH_ALLOWED = [
  'src/cli/svg.ts', // the learning-curve chart's axis ticks: drawing only, never feeds training or a hash
];

/**
 * Engine Math functions that are not correctly rounded (results differ in the
 * last bit between V8, SpiderMonkey and JavaScriptCore). Training uses
 * src/kernels/math.ts instead. sqrt, fround, abs, floor, min, max, … are exact.
 */
const ENGINE_MATH = ['sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2', 'sinh', 'cosh', 'tanh', 'asinh', 'acosh', 'atanh',
  'exp', 'expm1', 'log', 'log1p', 'log2', 'log10', 'pow', 'cbrt', 'hypot'];

const posix = (p) => p.split(sep).join('/');
/** `file` (absolute) as a path from the repository root, '/'-separated. */
const fromRoot = (file) => posix(relative(ROOT, file));

/** [line index, unit name] of a repository-relative path, or null. */
function unitOf(path) {
  for (const [level, line] of LAYERS.entries()) {
    for (const [name, paths] of Object.entries(line)) {
      if (paths.some((p) => (p.endsWith('/') ? path.startsWith(p) : path === p))) return [level, name];
    }
  }
  return null;
}

/** A relative specifier of `file` as the file it names (absolute): './x.js' is './x.ts' in src/. */
function resolveSpec(file, spec) {
  const target = resolve(dirname(file), spec);
  return target.endsWith('.js') && !existsSync(target) ? target.replace(/\.js$/, '.ts') : target;
}

/** Relative specifiers a file on disk imports or re-exports (type-only included), cached by mtime. */
const diskImports = new Map();
function importsOnDisk(file) {
  if (!/\.[cm]?[jt]s$/.test(file) || !existsSync(file)) return [];
  const mtime = statSync(file).mtimeMs;
  const hit = diskImports.get(file);
  if (hit?.mtime === mtime) return hit.targets;
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  const targets = info.importedFiles.map((i) => i.fileName).filter((s) => s.startsWith('.')).map((s) => resolveSpec(file, s));
  diskImports.set(file, { mtime, targets });
  return targets;
}

/** A path of imports from `from` back to `to` (both absolute), or null. */
function pathBack(from, to, current, currentTargets) {
  const seen = new Set();
  const walk = (file) => {
    if (file === to) return [file];
    if (seen.has(file)) return null;
    seen.add(file);
    for (const next of file === current ? currentTargets : importsOnDisk(file)) {
      const rest = walk(next);
      if (rest) return [file, ...rest];
    }
    return null;
  };
  return walk(from);
}

/** Calls `check(node, spec)` for every string module specifier: import, export … from, import(). */
function specifiers(check) {
  const visit = (node) => {
    if (node.source?.type === 'Literal' && typeof node.source.value === 'string') check(node, node.source.value);
  };
  return { ImportDeclaration: visit, ExportNamedDeclaration: visit, ExportAllDeclaration: visit, ImportExpression: visit };
}

const layersPlugin = {
  rules: {
    /** The LAYERS table: no import runs up a layer or sideways to another unit; every file has a layer. */
    imports: {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const file = context.filename;
        const self = fromRoot(file);
        const mine = unitOf(self);
        return {
          Program(node) {
            if (!mine) context.report({ node, message: `${self} is in no layer: add it to LAYERS in eslint.config.js` });
          },
          ...specifiers((node, spec) => {
            if (!mine || !spec.startsWith('.')) return;
            const target = fromRoot(resolveSpec(file, spec));
            if (!target.startsWith('src/')) {
              context.report({ node, message: `'${spec}' leaves src/ (${target})` });
              return;
            }
            const theirs = unitOf(target);
            if (!theirs) return; // an asset beside the entries (./kernels.wasm), not a module of src/
            const [myLevel, myName] = mine;
            const [level, name] = theirs;
            if (name === myName || level < myLevel) return;
            const why = level > myLevel ? 'a higher layer' : `${myName}'s sibling on the same layer`;
            context.report({ node, message: `${myName} must not import ${name} (${why}): '${spec}'. Layers are listed in eslint.config.js (LAYERS)` });
          }),
        };
      },
    },
    /** No import cycles among the files of src/ (type-only imports included). */
    'no-cycle': {
      meta: { type: 'problem', schema: [] },
      create(context) {
        const file = context.filename;
        const found = [];
        return {
          ...specifiers((node, spec) => {
            if (spec.startsWith('.')) found.push([node, spec, resolveSpec(file, spec)]);
          }),
          'Program:exit'() {
            const targets = found.map(([, , t]) => t);
            for (const [node, spec, target] of found) {
              const back = pathBack(target, file, file, targets);
              if (back) context.report({ node, message: `import cycle: ${[file, ...back].map(fromRoot).join(' → ')} (via '${spec}')` });
            }
          },
        };
      },
    },
  },
};

const builtin = builtinModules.filter((m) => !m.startsWith('_'));
const nodeOnly = 'only src/cli may use Node (the library runs in browsers and workerd too)';
const restrictedImports = ['error', {
  paths: builtin.map((name) => ({ name, message: nodeOnly })),
  patterns: [{ group: ['node:*'], message: nodeOnly }],
}];
// no-restricted-imports sees static imports only; this catches import('node:fs').
const nodeImportExpression = {
  selector: `ImportExpression > Literal.source[value=/^(node:.*|${builtin.map((m) => m.replace('/', '\\/')).join('|')})$/]`,
  message: nodeOnly,
};
const restrictedGlobals = ['error', ...['process', 'Buffer', 'require', 'module', '__dirname', '__filename', 'global', 'setImmediate']
  .map((name) => ({ name, message: nodeOnly }))];
const noRandom = { object: 'Math', property: 'random', message: 'nondeterministic: use a seeded Rng (src/rng.ts)' };
const engineMath = ENGINE_MATH.map((property) => ({
  object: 'Math', property,
  message: 'engine math differs between JavaScript engines: use src/kernels/math.ts (or add the file to ENGINE_MATH_ALLOWED with a reason)',
}));
// `**` is Math.pow, except 2 ** <literal> (an exact power of two).
const pow = [
  { selector: "BinaryExpression[operator='**']:not([left.raw='2'][right.type='Literal'])", message: '`**` is Math.pow, which differs between JavaScript engines: use src/kernels/math.ts (2 ** <literal> is fine)' },
  { selector: "AssignmentExpression[operator='**=']", message: '`**=` is Math.pow, which differs between JavaScript engines' },
];

export default [
  // Only src/**/*.ts is linted (`npx eslint` with no arguments too): no JavaScript file is.
  { ignores: ['**/*.{js,mjs,cjs}'] },
  {
    files: ['src/**/*.ts'],
    languageOptions: { parser: tsParser, ecmaVersion: 2022, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { layers: layersPlugin },
    rules: {
      'layers/imports': 'error',
      'layers/no-cycle': 'error',
      'no-restricted-imports': restrictedImports,
      'no-restricted-globals': restrictedGlobals,
      'no-restricted-properties': ['error', noRandom, ...engineMath],
      'no-restricted-syntax': ['error', nodeImportExpression, ...pow],
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: { 'no-restricted-imports': 'off', 'no-restricted-globals': 'off', 'no-restricted-syntax': ['error', ...pow] },
  },
  {
    files: ENGINE_MATH_ALLOWED,
    rules: { 'no-restricted-properties': ['error', noRandom], 'no-restricted-syntax': 'off' },
  },
];
