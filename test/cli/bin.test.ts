// The package's bin (`npx ddpg-wasm …`, package.json "bin") is dist/cli/main.js
// itself, run through its shebang: it must be executable after every build.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, MAIN } from './helpers.js';

beforeAll(ensureBuilt, 180_000);

describe('the ddpg-wasm bin', () => {
  it('is executable', () => {
    expect(statSync(MAIN).mode & 0o111).not.toBe(0);
  });

  it('runs through its shebang and prints the version', () => {
    expect(execFileSync(MAIN, ['--version'], { encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
