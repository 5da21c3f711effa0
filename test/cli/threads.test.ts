// `train --threads N` (issue 17): the built CLI with helper threads trains to the
// same weightsHash as one thread, says how many threads ran, and exits on its
// own (unref()'d helpers: a helper that kept the process alive would time out here).
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, ensureBuilt, tempDir } from './helpers.js';

beforeAll(ensureBuilt, 180_000);

const train = (threads: string[]): Promise<{ code: number | null; hash: string; stderr: string }> => {
  const out = join(tempDir(), 'run');
  return cli('train', '--algo', 'td3', '--steps', '250', '--eval-every', '0', '--eval-episodes', '1', '--json', '--out', out, ...threads)
    .then((r) => ({ code: r.code, hash: (JSON.parse(r.stdout) as { weightsHash: string }).weightsHash, stderr: r.stderr }));
};

describe('train --threads', () => {
  it('2 threads: the weightsHash of 1 thread, "2 threads" on the start line, and the process exits by itself', async () => {
    const [one, two] = [await train([]), await train(['--threads', '2'])];
    expect([one.code, two.code]).toEqual([0, 0]);
    expect(two.hash).toBe(one.hash);
    expect(two.stderr).toMatch(/^Training TD3 .* \(2 threads\)$/m);
    expect(one.stderr).not.toMatch(/threads\)/);
  }, 120_000);

  it('refuses more than 64 threads as a usage error (exit code 2) naming the flag', async () => {
    const r = await cli('train', '--threads', '65', '--steps', '10');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--threads expects an integer from 1 to 64, got 65/);
  });
});
