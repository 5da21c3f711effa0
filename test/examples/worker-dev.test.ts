// examples/worker/dev.mjs without workerd installed (issue 16, item 2): it used to
// crash with an unhandled `spawn … ENOENT`; it must say, in one line, the one
// command that installs workerd alone, and exit 1.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../cli/helpers.js';

describe('examples/worker/dev.mjs', () => {
  it('without workerd: one line with the install command, exit code 1', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'examples/worker/dev.mjs')], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, WORKERD_BIN: join(ROOT, 'no-such-dir', 'workerd') },
    });
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toEqual([
      `workerd is not installed (${join(ROOT, 'no-such-dir', 'workerd')}): run \`npm install --prefix examples/worker --no-audit --no-fund\` from the repository root`,
    ]);
  });
});
