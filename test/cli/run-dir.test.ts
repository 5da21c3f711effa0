// RunDir.create() when another process makes a parent directory between its
// existence check and its mkdir (parallel `train` runs or sweep trials into
// sibling folders): it must go on, not fail with EEXIST. The other process is
// simulated by a mkdirSync that makes the directory itself first.
import * as realFs from 'node:fs';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const racing = new Set<string>();
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof realFs>();
  return {
    ...fs,
    mkdirSync: (p: realFs.PathLike, o?: realFs.MakeDirectoryOptions) => {
      if (racing.delete(String(p))) fs.mkdirSync(p); // "another process" wins the race
      return fs.mkdirSync(p, o);
    },
  };
});

const { RunDir } = await import('../../src/cli/run-dir.js');
const base = mkdtempSync(join(tmpdir(), 'ddpg-wasm-rundir-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('RunDir.create', () => {
  it('goes on when a missing parent appears between its check and its mkdir', () => {
    const parent = join(base, 'sweep'), dir = join(parent, 's0');
    racing.add(parent);
    new RunDir(dir).create();
    expect(racing.size).toBe(0); // the race really happened
    expect(statSync(dir).isDirectory()).toBe(true);
  });

  it('still refuses when what appeared is a file, naming the path', () => {
    const parent = join(base, 'taken'), dir = join(parent, 's0');
    writeFileSync(parent, 'not a directory');
    expect(() => new RunDir(dir).create()).toThrow(`cannot create the run directory ${dir}`);
  });
});
