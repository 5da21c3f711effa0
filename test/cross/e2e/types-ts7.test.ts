/**
 * The shipped types under TypeScript 7 (the `tsc` that `npx -p typescript` now
 * fetches; installed for this test by scripts/crosscheck.mjs into scripts/cross/),
 * issue 16 item 6: the consumer of test/bundle/types.test.ts type-checks with
 * skipLibCheck off under moduleResolution nodenext and bundler, and TypeScript 7's
 * defaults. (TypeScript 5's default resolution, node10, reads no package "exports",
 * so it cannot see `ddpg-wasm/policy`: the README says which to use.)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consumer } from '../../bundle/consumer.js';
import { ROOT } from '../../cli/helpers.js';

const TSC = join(ROOT, 'scripts/cross/node_modules/typescript/bin/tsc');
let tmp = '';

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'ddpg-wasm-ts7-'));
  mkdirSync(join(tmp, 'node_modules'));
  symlinkSync(ROOT, join(tmp, 'node_modules', 'ddpg-wasm'), 'junction');
  writeFileSync(join(tmp, 'package.json'), '{ "type": "module" }\n');
  writeFileSync(join(tmp, 'consumer.ts'), consumer(realpathSync(join(ROOT, 'dist')).split(sep).join('/')));
});
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Runs TypeScript 7's tsc on the consumer with `options`; returns its output ('' when clean). */
function check(options: Record<string, unknown>): string {
  writeFileSync(join(tmp, 'tsconfig.json'), JSON.stringify({
    compilerOptions: { target: 'es2022', strict: true, exactOptionalPropertyTypes: true, noEmit: true, skipLibCheck: false, types: [], ...options },
    files: ['consumer.ts'],
  }));
  try {
    return execFileSync(process.execPath, [TSC, '-p', tmp], { encoding: 'utf8' });
  } catch (e) {
    return String((e as { stdout?: string }).stdout ?? e);
  }
}

describe('the shipped types under TypeScript 7', () => {
  it('is TypeScript 7 (installed by scripts/crosscheck.mjs)', () => {
    expect(existsSync(TSC), `${TSC}: run node scripts/crosscheck.mjs --install-only`).toBe(true);
    expect(execFileSync(process.execPath, [TSC, '--version'], { encoding: 'utf8' })).toMatch(/^Version 7\./);
  });

  it.each([
    ['nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }],
    ['bundler', { module: 'esnext', moduleResolution: 'bundler' }],
    ["TypeScript 7's defaults", {}],
  ])('type-check the consumer under %s', (_name, options) => {
    expect(check(options)).toBe('');
  });

  it('fail, naming the error, when the consumer is wrong (the check is not vacuous)', () => {
    writeFileSync(join(tmp, 'consumer.ts'), "import { DDPG } from 'ddpg-wasm';\nexport const x: string = new DDPG();\n");
    expect(check({ module: 'nodenext', moduleResolution: 'nodenext' })).toMatch(/error TS2554/);
  });
});
