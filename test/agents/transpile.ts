// Builds a runnable JavaScript copy of src/ (plus chosen test scripts) for tests
// that need a separate `node` process: the fresh-process checkpoint round trip
// and the parallel seeds of the slow Pendulum suite. TypeScript's
// transpileModule strips the types file by file (no type checking, a few hundred
// ms), so the child always runs the current sources, never a stale dist/.
import { copyFileSync, mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

export interface Transpiled {
  /** Root of the copy: `${dir}/src/index.js`, `${dir}/test/…/x.js`. */
  readonly dir: string;
  /** Removes the copy. */
  readonly dispose: () => void;
}

/** Transpiles src/**∕*.ts and `extra` (repo-relative .ts paths) into a fresh temp directory, with src/'s one .js module (the generated inlined wasm). */
export function transpileForNode(extra: readonly string[] = []): Transpiled {
  const dir = mkdtempSync(join(tmpdir(), 'ddpg-wasm-node-'));
  const files = [...tsFiles(join(ROOT, 'src')), ...extra.map((f) => join(ROOT, f))];
  for (const file of files) {
    const out = join(dir, relative(ROOT, file)).replace(/\.ts$/, '.js');
    const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
      fileName: file,
    });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, outputText);
  }
  for (const f of ['wasm-bytes.js', 'policy-bytes.js']) copyFileSync(join(ROOT, 'src/kernels', f), join(dir, 'src/kernels', f));
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
