// The TypeScript examples of the README and of docs/*.md compile against the real
// API: every ```ts block that imports the package is type-checked (strict tsconfig) with
// 'ddpg-wasm', 'ddpg-wasm/policy' and 'ddpg-wasm/sweep' mapped to src/. A renamed option, a wrong
// record key or a changed signature makes this fail before a reader finds it.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const pages = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];
/** [page, block] for every ```ts block that imports the package. */
const blocks = pages.flatMap((page) => [...readFileSync(join(ROOT, page), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)]
  .map((m) => [page, m[1]!] as const).filter(([, b]) => /from 'ddpg-wasm(\/policy|\/normalize|\/sweep)?'/.test(b)));

/** Variables a block uses from an earlier block of the same section. */
const CARRIED: Record<string, string> = {
  policyBytes: 'declare const policyBytes: Uint8Array;',
  PointMass: `declare const PointMass: new (options?: { seed?: number }) => import(${JSON.stringify(join(ROOT, 'src/index.js'))}).Env;`,
};

describe('README and docs/ examples', () => {
  it('has TypeScript examples that use the package, in the README too', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    expect(blocks.filter(([page]) => page === 'README.md').length).toBeGreaterThanOrEqual(2);
  });

  it.each(blocks.map(([page, b], i) => [i, page, b] as const))('block %i of %s type-checks against src/', (i, _page, block) => {
    const dir = mkdtempSync(join(tmpdir(), 'ddpg-readme-'));
    const src = block
      .replaceAll("from 'ddpg-wasm/policy'", `from ${JSON.stringify(join(ROOT, 'src/policy.js'))}`)
      .replaceAll("from 'ddpg-wasm/normalize'", `from ${JSON.stringify(join(ROOT, 'src/normalize.js'))}`)
      .replaceAll("from 'ddpg-wasm/sweep'", `from ${JSON.stringify(join(ROOT, 'src/sweep.js'))}`)
      .replaceAll("from 'ddpg-wasm'", `from ${JSON.stringify(join(ROOT, 'src/index.js'))}`);
    const carried = Object.entries(CARRIED).filter(([name]) => src.includes(name) && !new RegExp(`(const|let|class) ${name}\\b`).test(src));
    const file = join(dir, `block${i}.mts`);
    writeFileSync(file, `${carried.map(([, d]) => d).join('\n')}\n${src}\nexport {};\n`);
    const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    const program = ts.createProgram([file], { ...config.options, noEmit: true, rootDir: '/' });
    const diags = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file);
    const text = diags.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(text).toEqual([]);
  }, 60_000);
});
