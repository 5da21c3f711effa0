// Step of `npm run build` after the declaration emit (`tsc -p
// tsconfig.types.json`): tsc writes a .d.ts for every module of src/, but the
// package's types are only what the entries' declarations reach. This walks the
// references from the four entry .d.ts files and deletes every other .d.ts in
// dist/ (the CLI's, and library modules no public type mentions), so the npm
// tarball ships only reachable declarations (issue 7).
//
// It also drops each kept file's module comment: the block before a first
// statement that is an import or a re-export documents the source file (its
// notation table, Algorithm 1, design notes) for readers of src/; in a .d.ts it
// attaches to no declaration, so no editor shows it, and it was a sixth of the
// tarball. Comments on declarations (what hovers show) are kept.
//
// References are read from the syntax tree of each file (typescript compiler
// API): `import … from`, `export … from`, `import x = require()`, `import('…')`
// types, `declare module '…'`, and `/// <reference path>`. Only relative ones
// name files of dist/; a relative one that does not resolve to an existing file
// fails the build. Bare specifiers (packages, node:*) are left to the consumer.
import { readdirSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
/** The declaration files package.json points at (the "types" of each export, and of the workerd entries). */
const TYPE_ENTRIES = ['index.d.ts', 'policy.d.ts', 'workerd.d.ts', 'policy-workerd.d.ts', 'normalize.d.ts', 'sweep.d.ts'];
const DECLARATION = /\.d\.[cm]?ts$/;

const toPosix = (p) => p.split(sep).join('/');
const isFile = (p) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** Every reference of a declaration file: { spec, kind: 'module' | 'path', line }. */
function referencesOf(fileName, text) {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const refs = [];
  const add = (lit, kind) => refs.push({ spec: lit.text, kind, line: sf.getLineAndCharacterOfPosition(lit.getStart(sf)).line + 1 });
  for (const r of sf.referencedFiles) refs.push({ spec: r.fileName, kind: 'path', line: sf.getLineAndCharacterOfPosition(r.pos).line + 1 });
  const visit = (node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier, 'module');
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      add(node.moduleReference.expression, 'module');
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal, 'module');
    } else if (ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name)) {
      add(node.name, 'module');
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      add(node.arguments[0], 'module');
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return refs;
}

/**
 * The file a relative reference of `from` names (absolute), or null for a bare
 * specifier. Module specifiers are ESM style with the runtime extension, as src/
 * writes them: './x.js' is typed by './x.d.ts'. Throws for a missing file.
 */
function resolveReference(from, ref) {
  const where = `${toPosix(relative(DIST, from))}:${ref.line}`;
  if (ref.kind === 'path') {
    const p = resolve(dirname(from), ref.spec);
    if (!isFile(p)) throw new Error(`${where}: /// <reference path="${ref.spec}"> names a missing file`);
    return p;
  }
  if (!ref.spec.startsWith('./') && !ref.spec.startsWith('../')) return null;
  const m = /\.([cm]?)js$/.exec(ref.spec);
  if (m === null) throw new Error(`${where}: relative specifier '${ref.spec}' has no .js/.mjs/.cjs extension (no declaration file to follow)`);
  const p = resolve(dirname(from), `${ref.spec.slice(0, -m[0].length)}.d.${m[1]}ts`);
  if (!isFile(p)) throw new Error(`${where}: '${ref.spec}' has no declaration file (${toPosix(relative(DIST, p))} is missing)`);
  return p;
}

/** Absolute paths of the declaration files reachable from the entries, in visit order. */
function reachableDeclarations() {
  const seen = new Set();
  const pending = TYPE_ENTRIES.map((e) => {
    const p = join(DIST, e);
    if (!isFile(p)) throw new Error(`entry ${e} is missing from dist/ (run tsc -p tsconfig.types.json first)`);
    return p;
  });
  while (pending.length > 0) {
    const file = pending.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    const text = ts.sys.readFile(file) ?? '';
    for (const ref of referencesOf(file, text)) {
      const target = resolveReference(file, ref);
      if (target !== null && !seen.has(target)) pending.push(target);
    }
  }
  return [...seen];
}

function listDeclarations(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = join(dir, d.name);
    if (d.isDirectory()) return listDeclarations(p);
    return DECLARATION.test(d.name) ? [p] : [];
  });
}

/** The text without its module comment (see the top of this file), or unchanged when it has none. */
function withoutModuleComment(fileName, text) {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const first = sf.statements[0];
  if (first === undefined || !(ts.isImportDeclaration(first) || (ts.isExportDeclaration(first) && first.moduleSpecifier))) return text;
  const comments = (ts.getLeadingCommentRanges(text, first.pos) ?? []).filter((c) => !text.startsWith('///', c.pos));
  if (comments.length === 0) return text;
  const last = comments[comments.length - 1];
  return text.slice(0, comments[0].pos) + text.slice(last.end).replace(/^\s*\n/, '');
}

function removeEmptyDirs(dir) {
  for (const d of readdirSync(dir, { withFileTypes: true })) if (d.isDirectory()) removeEmptyDirs(join(dir, d.name));
  if (dir !== DIST && readdirSync(dir).length === 0) rmdirSync(dir);
}

try {
  const keep = new Set(reachableDeclarations());
  for (const p of listDeclarations(DIST)) if (!keep.has(p)) rmSync(p);
  removeEmptyDirs(DIST);
  for (const p of keep) {
    const text = ts.sys.readFile(p) ?? '';
    const out = withoutModuleComment(p, text);
    if (out !== text) writeFileSync(p, out);
  }
} catch (e) {
  console.error(`scripts/prune-types.mjs: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
}
