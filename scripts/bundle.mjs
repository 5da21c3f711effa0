// Step of `npm run build` after the JS emit (`tsc -p tsconfig.build.json`): turns
// the ~58 per-module files tsc wrote into dist/ into a few files, because Node
// spends most of the main entry's cold start loading ES modules one by one, and
// because one file per module compresses worse in the npm tarball (issue 7).
// The package has no dev dependency that bundles (design card), so this is a
// small scope-hoisting bundler on the typescript compiler API:
//
//   dist/index.js, policy.js, workerd.js,   the entries: their own module's code,
//   policy-workerd.js                       imports from the chunks, and exactly
//                                           the export names tsc gave them
//   dist/chunks/core.js                     the loader (its module state exists
//                                           once) and all that the policy entries
//                                           reach: no training code
//   dist/chunks/library.js                  the rest of the library
//   dist/chunks/wasm-bytes.js               the inlined wasm text (index.js and
//                                           policy.js; not the workerd entries)
//   dist/cli/main.js                        src/cli/* in one file
//
// Each output concatenates its modules' bodies in dependency order without their
// import/export statements. A top-level name that two modules of one output both
// declare is renamed (`name$1`), and every reference to an imported binding is
// rewritten to the name the binding has in this output. References are found with
// the TS checker (getSymbolAtLocation on a Program over the emitted JS), not by
// matching text. Whatever this does not handle fails the build with a message.
// Invariants it enforces because the concatenation relies on them: no module but
// cli/main.js runs code at top level besides declarations (so the order in which
// the outputs evaluate modules cannot matter: see evaluationOrder); no function,
// class or function-valued binding is renamed (its .name would change); every
// output parses (node --check).
// Each file is written without leading indentation (scripts/strip-indent.mjs).
// The module → output map goes to build/bundle-manifest.json (not shipped; the
// tests read it). The same dist/ input gives the same bytes.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { dirname, join, posix, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { stripIndentation } from './strip-indent.mjs';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const MANIFEST = fileURLToPath(new URL('../build/bundle-manifest.json', import.meta.url));
const BANNER = '// Bundled by scripts/bundle.mjs from the tsc output of src/. Do not edit.';

/** Entry modules (dist-relative): each becomes an output file at its own path. */
const ENTRIES = ['index.js', 'policy.js', 'workerd.js', 'policy-workerd.js', 'cli/main.js'];
/** Entries whose whole reach goes to the core chunk (inference only). */
const POLICY_ENTRIES = ['policy.js', 'policy-workerd.js'];
const WASM_BYTES = 'kernels/wasm-bytes.js';
/** The one module allowed to run code at top level (it starts the CLI); it is evaluated last, in its own output. */
const EFFECTFUL = 'cli/main.js';
const CHUNK = { wasm: 'chunks/wasm-bytes.js', core: 'chunks/core.js', library: 'chunks/library.js' };
/** Outputs in the order their import statements are written (dependencies first). */
const OUTPUT_ORDER = [CHUNK.wasm, CHUNK.core, CHUNK.library, ...ENTRIES];

class BundleError extends Error {}
const fail = (msg) => {
  throw new BundleError(msg);
};
const toPosix = (p) => p.split(sep).join('/');
/** The src/ file an emitted module comes from, for messages that ask a developer to rename something. */
const srcOf = (rel) => `src/${rel.replace(/\.js$/, '.ts')}`;

// ---------------------------------------------------------------- the module graph

/** Relative specifier of a JS module in dist/ → its dist-relative path; null for anything else (node:*, .wasm). */
function resolveSpec(from, spec) {
  if (!spec.startsWith('.')) return null;
  if (!spec.endsWith('.js')) {
    if (spec.endsWith('.wasm')) return null; // an asset the workerd entries import as a module: stays an import
    fail(`${from}: unsupported relative import '${spec}' (only ./x.js modules and .wasm assets)`);
  }
  return posix.normalize(posix.join(posix.dirname(from), spec));
}

/**
 * Reads one emitted module: its imports, exports and top-level declarations, and
 * the edits that strip the import/export syntax. Fails on syntax outside what
 * src/ uses (export default, export let/var, dynamic import(), import.meta).
 */
function scanModule(rel, sf) {
  const mod = {
    rel, sf,
    imports: new Map(), // local name → { spec, target (rel | null), imported ('*', 'default' or a name) }
    deps: [], // rel paths this module needs evaluated first, in source order
    localExports: new Map(), // export name → local name
    reexports: new Map(), // export name → { spec, target, imported }
    starExports: [], // target rel paths of `export * from`
    topLevel: [], // [name, declaration name node] of functions, classes, variables
    removals: [], // [start, end] source ranges to delete
    effects: [], // top-level statements that run code (not declarations, imports, exports)
    shebang: '',
  };
  const where = (node) => `dist/${rel}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
  const addDep = (target) => {
    if (target !== null && !mod.deps.includes(target)) mod.deps.push(target);
  };
  const removeStatement = (stmt) => mod.removals.push([stmt.getStart(sf), stmt.end]);
  const exportModifier = (stmt) => {
    const mods = ts.canHaveModifiers(stmt) ? ts.getModifiers(stmt) ?? [] : [];
    if (mods.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword)) fail(`${where(stmt)}: export default is not supported`);
    const exp = mods.find((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (exp !== undefined) mod.removals.push([exp.getStart(sf), exp.end + 1]); // `export ` (tsc prints one space)
    return exp !== undefined;
  };
  if (sf.text.startsWith('#!')) mod.shebang = sf.text.slice(0, sf.text.indexOf('\n'));

  for (const stmt of sf.statements) {
    if (ts.isImportDeclaration(stmt)) {
      const spec = stmt.moduleSpecifier.text;
      const target = resolveSpec(rel, spec);
      const clause = stmt.importClause;
      removeStatement(stmt);
      if (clause?.isTypeOnly) continue;
      const names = [];
      if (clause?.name) names.push([clause.name.text, 'default']);
      const nb = clause?.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) names.push([nb.name.text, '*']);
      if (nb && ts.isNamedImports(nb)) {
        for (const el of nb.elements) if (!el.isTypeOnly) names.push([el.name.text, (el.propertyName ?? el.name).text]);
      }
      // `import './x.js'`, and `import {} from './x.js'` (what verbatimModuleSyntax leaves of
      // `import { type T } from`): evaluation only. x is still bundled and ordered before this
      // module; it has no top-level effects to run (checkNoTopLevelEffects), so nothing is lost.
      if (names.length === 0 && target === null) fail(`${where(stmt)}: side-effect import of '${spec}' is not supported`);
      addDep(target);
      for (const [local, imported] of names) mod.imports.set(local, { spec, target, imported });
    } else if (ts.isExportDeclaration(stmt)) {
      removeStatement(stmt);
      if (stmt.isTypeOnly) continue;
      const spec = stmt.moduleSpecifier?.text;
      const target = spec === undefined ? null : resolveSpec(rel, spec);
      if (spec !== undefined && target === null) fail(`${where(stmt)}: re-export from '${spec}' is not supported`);
      const clause = stmt.exportClause;
      if (clause === undefined) {
        addDep(target);
        mod.starExports.push(target);
      } else if (ts.isNamespaceExport(clause)) {
        addDep(target);
        mod.reexports.set(clause.name.text, { spec, target, imported: '*' });
      } else {
        const live = clause.elements.filter((el) => !el.isTypeOnly);
        if (live.length > 0) addDep(target);
        for (const el of live) {
          const local = (el.propertyName ?? el.name).text;
          if (target === null) mod.localExports.set(el.name.text, local);
          else mod.reexports.set(el.name.text, { spec, target, imported: local });
        }
      }
    } else if (ts.isExportAssignment(stmt)) {
      fail(`${where(stmt)}: export default / export = is not supported`);
    } else if (ts.isFunctionDeclaration(stmt) || ts.isClassDeclaration(stmt)) {
      const exported = exportModifier(stmt);
      if (stmt.name === undefined) fail(`${where(stmt)}: anonymous declaration`);
      mod.topLevel.push([stmt.name.text, stmt.name]);
      if (exported) mod.localExports.set(stmt.name.text, stmt.name.text);
    } else if (ts.isVariableStatement(stmt)) {
      const exported = exportModifier(stmt);
      if (exported && !(stmt.declarationList.flags & ts.NodeFlags.Const)) {
        fail(`${where(stmt)}: export let / export var is not supported (a live binding)`);
      }
      for (const decl of stmt.declarationList.declarations) {
        for (const id of bindingNames(decl.name)) {
          mod.topLevel.push([id.text, id]);
          if (exported) mod.localExports.set(id.text, id.text);
        }
      }
    } else if (ts.canHaveModifiers(stmt) && exportModifier(stmt)) {
      fail(`${where(stmt)}: unsupported exported ${ts.SyntaxKind[stmt.kind]}`);
    } else if (!ts.isEmptyStatement(stmt)) {
      mod.effects.push(`${where(stmt)}: ${stmt.getText(sf).split('\n')[0].slice(0, 60)}`);
    }
  }
  forbidDynamic(sf, where);
  return mod;
}

function bindingNames(name) {
  if (ts.isIdentifier(name)) return [name];
  return name.elements.flatMap((el) => (ts.isOmittedExpression(el) ? [] : bindingNames(el.name)));
}

/** import() and import.meta would change meaning once the code moves to another file. */
function forbidDynamic(sf, where) {
  const visit = (node) => {
    if (node.kind === ts.SyntaxKind.ImportKeyword && ts.isCallExpression(node.parent)) fail(`${where(node)}: dynamic import() is not supported`);
    if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) fail(`${where(node)}: import.meta is not supported`);
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

/**
 * Every module the entries reach, parsed with a checker (noResolve: imports stay
 * alias symbols; we resolve them. noLib: a global is then a name without a symbol,
 * which tells it from a local as well as lib.d.ts would, and lib.d.ts is not parsed).
 */
function loadGraph() {
  const reach = [];
  const seen = new Set();
  const pending = [...ENTRIES];
  const deps = new Map();
  while (pending.length > 0) {
    const rel = pending.shift();
    if (seen.has(rel)) continue;
    seen.add(rel);
    reach.push(rel);
    let text;
    try {
      text = readFileSync(join(DIST, rel), 'utf8');
    } catch {
      fail(`dist/${rel} is missing (imported by the graph of ${ENTRIES.join(', ')}); run tsc -p tsconfig.build.json first`);
    }
    if (text.includes(BANNER)) fail(`dist/${rel} is already bundled: run tsc -p tsconfig.build.json before scripts/bundle.mjs`);
    const sf = ts.createSourceFile(rel, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.JS);
    const m = scanModule(rel, sf);
    deps.set(rel, m.deps);
    pending.push(...m.deps);
  }
  const files = reach.map((r) => join(DIST, r));
  const program = ts.createProgram(files, {
    allowJs: true, noResolve: true, noLib: true, noEmit: true, types: [], target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext,
  });
  const checker = program.getTypeChecker();
  const modules = new Map();
  for (const rel of reach) {
    const sf = program.getSourceFile(join(DIST, rel)) ?? fail(`TS program lost dist/${rel}`);
    modules.set(rel, scanModule(rel, sf));
  }
  checkNoTopLevelEffects(modules);
  return { modules, checker, order: evaluationOrder(modules) };
}

/**
 * The outputs do not evaluate modules in the order ESM would for a given entry
 * (see evaluationOrder), so no module may depend on another having run first
 * beyond its own imports: top level may only declare (functions, classes,
 * variables with any initializer) and import/export. Only cli/main.js, which is
 * evaluated last of all (its own output imports everything else), may run code.
 */
function checkNoTopLevelEffects(modules) {
  const bad = [...modules.values()].filter((m) => m.rel !== EFFECTFUL).flatMap((m) => m.effects);
  if (bad.length > 0) {
    fail(`top-level code outside declarations would run in a different order once bundled (only ${srcOf(EFFECTFUL)} may have it); ` +
      `move it into a function or a variable initializer:\n  ${bad.join('\n  ')}`);
  }
}

/**
 * Depth-first post-order from the entries (index.js, policy.js, workerd.js,
 * policy-workerd.js, cli/main.js), imports in source order; fails on a cycle.
 * Each output lists its modules in this one order, and an output imports the
 * outputs its modules depend on; what that guarantees is only that a module's
 * body runs after the bodies of every module it imports (its dependencies come
 * earlier in the same output or in an output imported before it: wasm-bytes →
 * core → library → entries). It is not the order ESM would use for a particular
 * entry: the chunks always run wasm-bytes, core, library, whatever an entry's
 * import order, and unrelated modules of one chunk keep the global order. That is
 * harmless only because no module except cli/main.js has top-level statements
 * besides declarations (checkNoTopLevelEffects).
 */
function evaluationOrder(modules) {
  const order = [];
  const state = new Map(); // rel → 'visiting' | 'done'
  const visit = (rel, path) => {
    if (state.get(rel) === 'done') return;
    if (state.get(rel) === 'visiting') fail(`import cycle: ${[...path, rel].join(' → ')} (not supported)`);
    state.set(rel, 'visiting');
    for (const d of modules.get(rel).deps) visit(d, [...path, rel]);
    state.set(rel, 'done');
    order.push(rel);
  };
  for (const e of ENTRIES) visit(e, []);
  return order;
}

// ---------------------------------------------------------------- bindings

/**
 * What a name finally refers to: a top-level declaration of a module
 * ({ kind: 'local', mod, name }), the namespace object of a module
 * ({ kind: 'ns', mod }), or an import from outside dist/'s JS
 * ({ kind: 'ext', spec, imported }, spec dist-relative for a relative asset).
 */
const keyOf = (b) => (b.kind === 'local' ? `local:${b.mod}:${b.name}` : b.kind === 'ns' ? `ns:${b.mod}` : `ext:${b.spec}:${b.imported}`);

function makeResolver(modules) {
  const resolveImport = (from, rec) => {
    if (rec.target === null) {
      const spec = rec.spec.startsWith('.') ? posix.normalize(posix.join(posix.dirname(from), rec.spec)) : rec.spec;
      return { kind: 'ext', spec, imported: rec.imported };
    }
    if (rec.imported === '*') return { kind: 'ns', mod: rec.target };
    return resolveExport(rec.target, rec.imported) ?? fail(`dist/${from} imports '${rec.imported}' from dist/${rec.target}, which does not export it`);
  };
  const resolveLocal = (mod, local) => {
    const m = modules.get(mod);
    if (m.imports.has(local)) return resolveImport(mod, m.imports.get(local));
    if (m.topLevel.some(([n]) => n === local)) return { kind: 'local', mod, name: local };
    return fail(`dist/${mod} exports '${local}', which it does not declare`);
  };
  const resolveExport = (mod, name) => {
    const m = modules.get(mod);
    if (m.localExports.has(name)) return resolveLocal(mod, m.localExports.get(name));
    if (m.reexports.has(name)) return resolveImport(mod, m.reexports.get(name));
    if (name === 'default') return undefined;
    const found = new Map();
    for (const t of m.starExports) {
      const b = resolveExport(t, name);
      if (b !== undefined) found.set(keyOf(b), b);
    }
    if (found.size > 1) fail(`dist/${mod}: '${name}' comes from two \`export *\` with different bindings (ambiguous)`);
    return [...found.values()][0];
  };
  /** All export names of a module, sorted (the order of a module namespace object's keys). */
  const exportNames = (mod) => {
    const m = modules.get(mod);
    const names = new Set([...m.localExports.keys(), ...m.reexports.keys()]);
    for (const t of m.starExports) for (const n of exportNames(t)) if (n !== 'default') names.add(n);
    return [...names].sort();
  };
  return { resolveImport, resolveLocal, resolveExport, exportNames };
}

// ---------------------------------------------------------------- references

/**
 * Every identifier of a module that refers to one of its top-level bindings
 * (declarations and imports), found through the checker's symbols; plus the
 * names it uses without declaring them (globals: a new name must not hide them)
 * and the names it declares in inner scopes (a new name must not be hidden by them).
 */
function scanReferences(mod, checker) {
  const { sf } = mod;
  const norm = (s) => (s === undefined ? undefined : checker.getExportSymbolOfSymbol(s));
  const top = new Map(); // symbol → top-level local name
  for (const [name, id] of mod.topLevel) top.set(norm(checker.getSymbolAtLocation(id)), name);
  for (const stmt of sf.statements) {
    if (!ts.isImportDeclaration(stmt) || !stmt.importClause) continue;
    const c = stmt.importClause;
    const ids = [c.name, c.namedBindings && ts.isNamespaceImport(c.namedBindings) ? c.namedBindings.name : undefined,
      ...(c.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements.map((e) => e.name) : [])];
    for (const id of ids) if (id) top.set(norm(checker.getSymbolAtLocation(id)), id.text);
  }
  top.delete(undefined);
  const refs = []; // { id, local, shorthand }
  const free = new Set();
  const inner = new Set();
  const named = new Set(); // top-level locals whose name a function or class takes as its .name
  for (const [name, id] of mod.topLevel) if (namesAFunction(id)) named.add(name);
  const removed = new Set(sf.statements.filter((s) => ts.isImportDeclaration(s) || ts.isExportDeclaration(s)));
  const visit = (node) => {
    if (removed.has(node)) return;
    // `target` in new.target is no reference (the checker answers with the enclosing class's symbol).
    if (ts.isIdentifier(node) && !ts.isMetaProperty(node.parent)) {
      const p = node.parent;
      const shorthand = ts.isShorthandPropertyAssignment(p) && p.name === node;
      const sym = norm(shorthand ? checker.getShorthandAssignmentValueSymbol(p) : checker.getSymbolAtLocation(node));
      const local = sym && top.get(sym);
      if (local !== undefined) {
        refs.push({ id: node, local, shorthand: shorthand ? 'after' : isShorthandBinding(node) ? 'before' : '' });
        // `f = () => {}` (also ??=, ||=, &&=) names the function after f, like a declaration does.
        if (ts.isBinaryExpression(p) && p.left === node && NAMING_ASSIGNMENTS.includes(p.operatorToken.kind) && isAnonymousFunction(p.right)) named.add(local);
      }
      else if (isDeclarationName(node)) inner.add(node.text);
      else if (!isPropertyName(node) && !sym?.declarations?.some((d) => d.getSourceFile() === sf)) free.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { refs, free, inner, named };
}

const NAMING_ASSIGNMENTS = [ts.SyntaxKind.EqualsToken, ts.SyntaxKind.QuestionQuestionEqualsToken, ts.SyntaxKind.BarBarEqualsToken, ts.SyntaxKind.AmpersandAmpersandEqualsToken];

/** An anonymous function, arrow or class expression (in parentheses or not): it takes the name of the binding it initialises. */
const isAnonymousFunction = (e) => {
  while (e !== undefined && ts.isParenthesizedExpression(e)) e = e.expression;
  return e !== undefined && (ts.isArrowFunction(e) || ((ts.isFunctionExpression(e) || ts.isClassExpression(e)) && e.name === undefined));
};

/**
 * Whether renaming this top-level declaration would change some function's or
 * class's .name (visible in stack traces, error messages, C.name): function and
 * class declarations, and `const f = () => {}`, `let C = class {}`, `{ f = function () {} } = o`.
 */
const namesAFunction = (id) => {
  const p = id.parent;
  return ((ts.isFunctionDeclaration(p) || ts.isClassDeclaration(p)) && p.name === id) ||
    ((ts.isVariableDeclaration(p) || ts.isBindingElement(p)) && p.name === id && isAnonymousFunction(p.initializer));
};

/** `x` in `obj.x`, `{ x: 1 }`, `class { x() {} }`: not a variable reference. */
const isPropertyName = (id) => {
  const p = id.parent;
  return ((ts.isPropertyAccessExpression(p) || ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p) ||
    ts.isGetAccessor(p) || ts.isSetAccessor(p)) && p.name === id) || (ts.isBindingElement(p) && p.propertyName === id) ||
    ((ts.isLabeledStatement(p) || ts.isBreakOrContinueStatement(p)) && p.label === id);
};

/** `{ x }` in a destructuring declaration: renaming x means writing `{ x: x$1 }`. */
const isShorthandBinding = (id) =>
  ts.isBindingElement(id.parent) && id.parent.name === id && !id.parent.propertyName && ts.isObjectBindingPattern(id.parent.parent);

const isDeclarationName = (id) => {
  const p = id.parent;
  return (ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isBindingElement(p) || ts.isFunctionDeclaration(p) ||
    ts.isFunctionExpression(p) || ts.isClassDeclaration(p) || ts.isClassExpression(p)) && p.name === id;
};

// ---------------------------------------------------------------- outputs

function assignOutputs(modules, order) {
  const policyReach = new Set();
  const mark = (rel) => {
    if (policyReach.has(rel)) return;
    policyReach.add(rel);
    modules.get(rel).deps.forEach(mark);
  };
  POLICY_ENTRIES.forEach(mark);
  const outputOf = new Map();
  for (const rel of order) {
    outputOf.set(rel,
      ENTRIES.includes(rel) ? rel
        : rel === WASM_BYTES ? CHUNK.wasm
          : rel.startsWith('cli/') ? 'cli/main.js'
            : policyReach.has(rel) ? CHUNK.core
              : CHUNK.library);
  }
  return outputOf;
}

/** Output-level import graph must be acyclic (dependencies first), else the chunking is wrong. */
function checkOutputCycles(outputs) {
  const state = new Map();
  const visit = (o, path) => {
    if (state.get(o) === 'done') return;
    if (state.get(o) === 'visiting') fail(`the chunks import each other in a cycle: ${[...path, o].join(' → ')}`);
    state.set(o, 'visiting');
    for (const d of outputs.get(o).importsFrom.keys()) if (outputs.has(d)) visit(d, [...path, o]);
    state.set(o, 'done');
  };
  for (const o of outputs.keys()) visit(o, []);
}

/**
 * One naming scope per output file. A name that some function or class takes as
 * its .name (namesAFunction, scan.named) is never changed: two of them that clash,
 * or one that would hide a global another module of the file uses, fail the build
 * naming both src/ modules. The other top-level declarations keep their names in
 * evaluation order; a later clash, or a clash with a function's name, gets `$1`,
 * `$2`…; no name may hide a global that some module of the file uses.
 */
function createOutputs(modules, order, outputOf, scans) {
  const outputs = new Map();
  for (const name of OUTPUT_ORDER) {
    const mods = order.filter((rel) => outputOf.get(rel) === name);
    if (mods.length === 0) fail(`output dist/${name} would be empty`);
    const reserved = new Set();
    // Names used as globals anywhere in this file: a top-level declaration must not hide them.
    for (const rel of mods) for (const n of scans.get(rel).free) reserved.add(n);
    outputs.set(name, {
      name, mods, reserved,
      names: new Map(), // binding key → name in this file
      used: new Set(),
      importsFrom: new Map(), // output or external spec → Map(export name → local name)
      exports: new Map(), // export name → local name
      namespaces: new Map(), // rel → name of its namespace object (built after the module's body)
    });
  }
  const what = (rel, id) => {
    const p = id.parent;
    const kind = ts.isClassDeclaration(p) ? 'class' : ts.isFunctionDeclaration(p) ? 'function' : 'function-valued binding';
    return `${kind} ${id.text} of ${srcOf(rel)}`;
  };
  for (const out of outputs.values()) {
    const decls = out.mods.flatMap((rel) => modules.get(rel).topLevel.map(([name, id]) => ({ rel, name, id, fixed: scans.get(rel).named.has(name) })));
    const fixed = new Map(); // name → the declaration that keeps it
    for (const d of decls.filter((x) => x.fixed)) {
      const other = fixed.get(d.name);
      if (other !== undefined) {
        fail(`dist/${out.name}: ${what(other.rel, other.id)} and ${what(d.rel, d.id)} would share one scope; renaming either ` +
          `would change its .name: rename one of them in src/`);
      }
      if (out.reserved.has(d.name)) {
        const user = out.mods.find((rel) => scans.get(rel).free.has(d.name));
        fail(`dist/${out.name}: ${what(d.rel, d.id)} would hide the global ${d.name} that ${srcOf(user)} uses; rename it in src/`);
      }
      fixed.set(d.name, d);
      out.used.add(d.name);
    }
    for (const d of decls) out.names.set(keyOf({ kind: 'local', mod: d.rel, name: d.name }), d.fixed ? d.name : pickName(out, d.name));
  }
  return outputs;
}

function pickName(out, base) {
  let n = base;
  for (let i = 1; out.used.has(n) || out.reserved.has(n); i++) n = `${base}$${i}`;
  out.used.add(n);
  return n;
}

function bundle() {
  const { modules, checker, order } = loadGraph();
  const R = makeResolver(modules);
  const outputOf = assignOutputs(modules, order);
  const scans = new Map(order.map((rel) => [rel, scanReferences(modules.get(rel), checker)]));
  const ownerOf = (b) => (b.kind === 'ext' ? null : outputOf.get(b.mod));

  const outputs = createOutputs(modules, order, outputOf, scans);

  /** The name binding `b` has inside output `out`, adding an import when another file owns it. */
  const nameIn = (out, b) => {
    const key = keyOf(b);
    if (out.names.has(key)) return out.names.get(key);
    const owner = ownerOf(b);
    let local;
    if (owner === out.name) { // a namespace object of one of this file's modules
      local = pickName(out, posix.basename(b.mod, '.js').replace(/[^A-Za-z0-9_$]/g, '_'));
      out.namespaces.set(b.mod, local);
      out.names.set(key, local);
      for (const n of R.exportNames(b.mod)) nameIn(out, R.resolveExport(b.mod, n));
      return local;
    }
    const from = owner ?? b.spec;
    const exported = owner === null ? b.imported : exportFrom(outputs.get(owner), b);
    const table = out.importsFrom.get(from) ?? new Map();
    out.importsFrom.set(from, table);
    local = table.get(exported) ?? pickName(out, exported === 'default' || exported === '*' ? posix.basename(from).replace(/\W.*$/, '') : exported);
    table.set(exported, local);
    out.names.set(key, local);
    return local;
  };
  /** The name under which output `owner` exports binding `b` to the other files. */
  const exportFrom = (owner, b) => {
    const local = nameIn(owner, b);
    if (ENTRIES.includes(owner.name)) {
      // An entry exports only its public names; another file may import one of those.
      const pub = R.exportNames(owner.name).find((n) => keyOf(R.resolveExport(owner.name, n)) === keyOf(b));
      return pub ?? fail(`dist/${owner.name} would need an extra export for ${keyOf(b)}`);
    }
    owner.exports.set(local, local);
    return local;
  };

  // Bodies: strip import/export syntax, rename references.
  const bodies = new Map();
  for (const rel of order) {
    const out = outputs.get(outputOf.get(rel));
    const mod = modules.get(rel);
    const { refs, inner } = scans.get(rel);
    const edits = mod.removals.map(([s, e]) => [s, e, '', true]);
    for (const { id, local, shorthand } of refs) {
      const b = mod.imports.has(local) ? R.resolveImport(rel, mod.imports.get(local)) : { kind: 'local', mod: rel, name: local };
      const n = nameIn(out, b);
      if (n === id.text) continue;
      if (inner.has(n)) checkNotCaptured(checker, id, n, mod.sf);
      const start = id.getStart(mod.sf);
      edits.push(shorthand === 'after' ? [id.end, id.end, `: ${n}`] : shorthand === 'before' ? [start, id.end, `${id.text}: ${n}`] : [start, id.end, n]);
    }
    bodies.set(rel, applyEdits(mod.sf.text, edits, mod.shebang === '' ? 0 : mod.shebang.length + 1));
  }
  // Entry exports: exactly the names tsc's entry module exports.
  for (const e of ENTRIES) {
    const out = outputs.get(e);
    for (const n of R.exportNames(e)) out.exports.set(n, nameIn(out, R.resolveExport(e, n)));
  }
  checkOutputCycles(outputs);

  const written = new Map();
  // Without indentation (not inside multi-line template literals): scripts/strip-indent.mjs.
  for (const out of outputs.values()) written.set(out.name, stripIndentation(render(out, modules, bodies, R, nameIn), `dist/${out.name}`));
  return { written, outputOf, order };
}

function checkNotCaptured(checker, id, name, sf) {
  const hit = checker.getSymbolsInScope(id, ts.SymbolFlags.Value).find((s) => s.name === name &&
    s.declarations?.some((d) => d.getSourceFile() === sf && !ts.isSourceFile(ts.getEnclosingBlockScopeContainer(d))));
  if (hit) {
    const line = sf.getLineAndCharacterOfPosition(id.getStart(sf)).line + 1;
    fail(`dist/${toPosix(relative(DIST, sf.fileName))}:${line}: renaming '${id.text}' to '${name}' would be captured by an inner declaration of '${name}'; rename that one`);
  }
}

/**
 * Applies [start, end, text, removal] edits (non-overlapping) to `text` from
 * `skip` on (past the shebang line), and drops the lines that a removal (of an
 * import or export statement) left blank, and the final line break. Other blank
 * lines stay: those inside a multi-line template literal or string are its text.
 */
function applyEdits(text, edits, skip) {
  edits.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let s = '';
  let at = skip;
  const removedAt = []; // positions in s where a statement was removed, ascending
  for (const [start, end, repl, removal] of edits) {
    if (start < at) fail(`overlapping edits at ${start} (internal error)`);
    s += text.slice(at, start) + repl;
    if (removal) removedAt.push(s.length);
    at = end;
  }
  s += text.slice(at);
  if (s.endsWith('\n')) s = s.slice(0, -1);
  const lines = [];
  let k = 0;
  for (let lineStart = 0; lineStart <= s.length;) {
    const nl = s.indexOf('\n', lineStart);
    const lineEnd = nl === -1 ? s.length : nl;
    const line = s.slice(lineStart, lineEnd);
    while (k < removedAt.length && removedAt[k] < lineStart) k++;
    const emptied = k < removedAt.length && removedAt[k] <= lineEnd && line.trim() === '';
    if (!emptied) lines.push(line);
    lineStart = lineEnd + 1;
  }
  return lines.join('\n');
}

function render(out, modules, bodies, R, nameIn) {
  const rel = (target) => {
    const r = posix.relative(posix.dirname(out.name), target);
    return r.startsWith('.') ? r : `./${r}`;
  };
  const shebang = out.mods.map((m) => modules.get(m).shebang).find((s) => s) ?? '';
  const lines = shebang ? [shebang, BANNER] : [BANNER];
  const froms = [...out.importsFrom.keys()].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  for (const from of froms) {
    const table = out.importsFrom.get(from);
    const spec = OUTPUT_ORDER.includes(from) || from.endsWith('.wasm') ? rel(from) : from;
    const named = [];
    const clause = [];
    for (const [exported, local] of [...table].sort()) {
      if (exported === 'default') clause.push(local);
      else if (exported === '*') lines.push(`import * as ${local} from '${spec}';`);
      else named.push(exported === local ? local : `${exported} as ${local}`);
    }
    if (named.length > 0) clause.push(`{ ${named.join(', ')} }`);
    if (clause.length > 0) lines.push(`import ${clause.join(', ')} from '${spec}';`);
  }
  for (const m of out.mods) {
    const body = bodies.get(m);
    lines.push(`// ${m.replace(/\.js$/, '.ts')}${body === '' ? ': re-exports only' : ''}`);
    if (body !== '') lines.push(body);
    const ns = out.namespaces.get(m);
    if (ns !== undefined) {
      // A module namespace object: null prototype, sorted keys, Symbol.toStringTag 'Module', frozen.
      const props = R.exportNames(m).map((n) => {
        const local = nameIn(out, R.resolveExport(m, n));
        return n === local ? local : `${n}: ${local}`;
      });
      lines.push(`const ${ns} = Object.freeze({ __proto__: null, [Symbol.toStringTag]: 'Module', ${props.join(', ')} });`);
    }
  }
  if (out.exports.size > 0) {
    const specs = [...out.exports].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, l]) => (n === l ? n : `${l} as ${n}`));
    lines.push(`export { ${specs.join(', ')} };`);
  }
  return lines.join('\n') + '\n';
}

/** Import statement order: externals, then the outputs dependencies-first. */
const rank = (from) => (OUTPUT_ORDER.includes(from) ? 1 + OUTPUT_ORDER.indexOf(from) : 0);

/**
 * Safety net: every output must parse as a module in this very Node (V8's parser
 * with its early errors, through `node --check` on stdin), else the build fails
 * before anything is written. The typescript parser alone accepts too much
 * (`new.P`, a duplicate `let`).
 */
async function checkParses(written) {
  const check = (name, code) => new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '--check'], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d) => { err += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve(code === 0 ? null : `dist/${name}${err.replace(/^\[stdin\]/, '').replace(/\n\s+at [\s\S]*$/, '')}`));
    child.stdin.end(code);
  });
  const errors = (await Promise.all([...written].map(([name, code]) => check(name, code)))).filter((e) => e !== null);
  if (errors.length > 0) fail(`the bundled output does not parse (a bundler bug, or invalid input):\n${errors.join('\n')}`);
}

// ---------------------------------------------------------------- main

function listJs(dir, base = dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return listJs(p, base);
    return d.name.endsWith('.js') ? [toPosix(relative(base, p))] : [];
  });
}

function removeEmptyDirs(dir) {
  for (const d of readdirSync(dir, { withFileTypes: true })) if (d.isDirectory()) removeEmptyDirs(join(dir, d.name));
  if (dir !== DIST && readdirSync(dir).length === 0) rmdirSync(dir);
}

try {
  const before = listJs(DIST);
  const { written, outputOf, order } = bundle();
  await checkParses(written);
  const unreached = before.filter((f) => !outputOf.has(f) && !written.has(f));
  for (const f of before) if (!written.has(f)) rmSync(join(DIST, f));
  for (const [name, code] of written) {
    mkdirSync(dirname(join(DIST, name)), { recursive: true });
    writeFileSync(join(DIST, name), code);
  }
  removeEmptyDirs(DIST);
  const manifest = {
    note: 'Written by scripts/bundle.mjs: which emitted module (dist-relative, before bundling) went into which output file.',
    outputs: Object.fromEntries([...written.keys()].map((o) => [o, order.filter((m) => outputOf.get(m) === o)])),
    unreached,
  };
  mkdirSync(dirname(MANIFEST), { recursive: true });
  writeFileSync(MANIFEST, JSON.stringify(manifest, null, 2) + '\n');
  for (const [name, code] of written) {
    console.log(`bundled dist/${name}: ${manifest.outputs[name].length} module(s), ${(Buffer.byteLength(code) / 1024).toFixed(1)} KB`);
  }
  if (unreached.length > 0) console.log(`removed without bundling (no entry reaches them): ${unreached.join(', ')}`);
} catch (e) {
  if (!(e instanceof BundleError)) throw e;
  console.error(`scripts/bundle.mjs: ${e.message}`);
  process.exit(1);
}
