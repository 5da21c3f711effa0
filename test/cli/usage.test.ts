// Command-line errors: bad usage → exit 2 naming the flag (and the nearest
// valid one); runtime failure → exit 1 with one line (the stack only with --verbose).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, ROOT } from './helpers.js';

beforeAll(ensureBuilt, 180_000);

describe('usage errors (exit code 2)', () => {
  it('names an unknown flag and suggests the nearest valid one', async () => {
    const r = await cli('train', '--sed', '3');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown flag --sed (did you mean --seed?)');
  });

  it('prints the usage line of the command', async () => {
    const r = await cli('train', '--sed', '3');
    expect(r.stderr).toContain('Usage: ddpg-wasm train');
  });

  it('names a flag whose value is malformed', async () => {
    const r = await cli('train', '--steps', 'many');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--steps expects an integer');
  });

  it('names a flag given without its value', async () => {
    const r = await cli('eval', '--checkpoint');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--checkpoint needs a value');
  });

  it('suggests the nearest config field for --set', async () => {
    const r = await cli('train', '--set', 'actorLR=5e-4');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown config field "actorLR" (did you mean actorLr?)');
  });

  it('rejects an out-of-range config value naming the field', async () => {
    const r = await cli('train', '--set', 'gamma=2');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('gamma must be');
  });

  it('suggests the nearest environment id', async () => {
    const r = await cli('train', '--env', 'Pendulum-v0');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('did you mean Pendulum-v1?');
  });

  it('refuses an algorithm that is not registered', async () => {
    const r = await cli('train', '--algo', 'ppo');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown --algo "ppo"; known: ddpg');
  });

  it('refuses --steps together with --episodes', async () => {
    const r = await cli('train', '--steps', '10', '--episodes', '1');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--steps and --episodes cannot be used together');
  });

  it('suggests the nearest command', async () => {
    const r = await cli('trian');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('(did you mean train?)');
  });
});

describe('runtime errors (exit code 1)', () => {
  it('reports a missing checkpoint in one line', async () => {
    const r = await cli('eval', '--checkpoint', 'no/such/file.ddpg');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('ddpg-wasm: error: cannot read checkpoint no/such/file.ddpg: no such file\n');
  });

  it('adds the stack trace with --verbose', async () => {
    const r = await cli('eval', '--checkpoint', 'no/such/file.ddpg', '--verbose');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it('refuses a file that is not a checkpoint', async () => {
    const r = await cli('eval', '--checkpoint', join(ROOT, 'package.json'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not a ddpg-wasm file');
  });
});

describe('help and version (exit code 0)', () => {
  it('prints the package version', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await cli('--version');
    expect(r.stdout).toBe(`${pkg.version}\n`);
  });

  it('lists the commands with --help', async () => {
    const r = await cli('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/train[\s\S]*eval[\s\S]*bench/);
  });

  it.each(['train', 'eval', 'bench'])('prints the options of %s with --help', async (cmd) => {
    const r = await cli(cmd, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: ddpg-wasm ${cmd}`);
  });
});
