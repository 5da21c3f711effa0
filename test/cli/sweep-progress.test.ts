// The sweep's progress display: on a terminal a live line (rewritten in place
// with \r and erase-to-end-of-line, cleared before each finished trial's line
// and before the table); otherwise plain lines only, the first at once. The
// terminal is a real pseudo-terminal: util-linux's `script` runs the CLI on one.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, MAIN, tempSpec } from './helpers.js';

const SPEC = { overrides: { actorLayers: [8], criticLayers: [8], batchSize: 8, learningStarts: 50 }, seeds: 2, steps: 300, evalEvery: 100, evalEpisodes: 1 };
let base: string, spec: string;

beforeAll(async () => {
  await ensureBuilt();
  ({ base, spec } = tempSpec(SPEC));
}, 180_000);

const LIVE = /\rtrials \d+ done, \d+ running, \d+ queued · \d+ steps\/s · ETA [^\r\n]*\x1b\[K/;

describe('ddpg-wasm sweep progress', () => {
  it('is a live line on a terminal, cleared before each trial line and the table', () => {
    const cmd = [process.execPath, MAIN, 'sweep', spec, '--workers', '2', '--out', join(base, 'tty')].map((a) => `'${a}'`).join(' ');
    const r = spawnSync('script', ['-q', '-e', '-c', cmd, '/dev/null'], { encoding: 'utf8', env: { ...process.env, COLUMNS: '160' } });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const out = r.stdout.replaceAll('\r\n', '\n'); // the terminal's line discipline turns \n into \r\n
    expect(out).toMatch(LIVE);
    for (const id of ['c0-s0', 'c0-s1']) expect(out).toMatch(new RegExp(`\\r\\x1b\\[K${id} \\{\\}: eval -?\\d`));
    expect(out).toMatch(/\r\x1b\[Kconfig\s+point/);
  });

  it('is plain lines when stderr is not a terminal: no carriage return, no escape sequence', async () => {
    const r = await cli('sweep', spec, '--workers', '2', '--out', join(base, 'pipe'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/[\r\x1b]/);
    expect(r.stderr).toMatch(/^trials \d+ done, \d+ running, \d+ queued · \d+ steps\/s · ETA \S+$/m);
    expect(r.stderr).toMatch(/^c0-s1 \{\}: eval -?\d/m);
  });
});
