// `sweep --queue` and `worker` without Redis: bullmq and ioredis are optional
// peer dependencies, so a copy of the CLI where neither resolves must exit 1
// with the one-line install hint; bad URLs and flag combinations exit 2. The
// real-Redis behaviour is test/queue (npm run test:queue).
import { spawnSync } from 'node:child_process';
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, ROOT, tempSpec } from './helpers.js';

const SPEC = { overrides: { actorLayers: [8], criticLayers: [8] }, seeds: 2, steps: 100 };
let base: string, spec: string;

beforeAll(async () => {
  await ensureBuilt();
  ({ base, spec } = tempSpec(SPEC));
}, 180_000);

describe('ddpg-wasm sweep --queue / worker without the optional packages', () => {
  it('exits 1 with a one-line npm i hint when bullmq is not installed', () => {
    // The built package alone, in a folder with no node_modules above it.
    const pkg = join(base, 'pkg');
    cpSync(join(ROOT, 'dist'), join(pkg, 'dist'), { recursive: true });
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'ddpg-wasm', type: 'module' }));
    for (const args of [['sweep', spec, '--queue', 'redis://127.0.0.1:1', '--out', join(base, 'out')], ['worker', '--queue', 'redis://127.0.0.1:1']]) {
      const p = spawnSync(process.execPath, [join(pkg, 'dist', 'cli', 'main.js'), ...args], { cwd: pkg, encoding: 'utf8' });
      expect(p.status, p.stderr).toBe(1);
      expect(p.stderr).toBe('ddpg-wasm: error: --queue needs the optional packages bullmq and ioredis: npm i bullmq ioredis\n');
    }
  });

  it('refuses a URL that is not redis:// and flags that do not combine (exit 2)', async () => {
    const bad = await cli('sweep', spec, '--queue', 'http://127.0.0.1:6379');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--queue must be a redis:// or rediss:// URL, got "http://127.0.0.1:6379"');
    const both = await cli('sweep', spec, '--queue', 'redis://127.0.0.1:1', '--workers', '2');
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/--workers.*--queue|--queue.*--workers/);
    for (const flag of ['--store', '--name']) {
      const alone = await cli('sweep', spec, flag, 'x');
      expect(alone.code).toBe(2);
      expect(alone.stderr).toContain(`${flag} goes with --queue`);
    }
    const none = await cli('worker');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('worker needs --queue redis://HOST:PORT');
  });
});
