// train --set actorLr=lin_1e-3 (issue 16): RL Zoo's string form; without
// scheduleSteps the rate falls to 0 over the run's --steps, and a resumed run
// ends at the straight run's weights.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeContainer } from '../../src/nn/container.js';
import { cli, ensureBuilt, tempDir } from './helpers.js';

const ARGS = ['--algo', 'td3', '--seed', '4', '--eval-every', '0', '--eval-episodes', '1', '--set', 'actorLr=lin_1e-3', '--set', 'criticLr=lin_1e-3'];
const hash = (dir: string): string => (JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { weightsHash: string }).weightsHash;

describe('train with lin_ learning rates', () => {
  it('takes scheduleSteps from --steps, stores it in the checkpoint, and a run resumed from step 150 ends at the straight run\'s weights', async () => {
    await ensureBuilt();
    const base = tempDir(), straight = join(base, 'straight'), half = join(base, 'half');
    const [a, b] = await Promise.all([cli('train', '--steps', '400', ...ARGS, '--out', straight), cli('train', '--steps', '150', ...ARGS, '--set', 'scheduleSteps=400', '--out', half)]);
    expect([a.code, a.stderr, b.code, b.stderr]).toEqual([0, '', 0, '']);
    const config = decodeContainer(readFileSync(join(straight, 'checkpoint.ddpg')), 'checkpoint', ['full']).header.config as Record<string, unknown>;
    expect([config.actorLr, config.criticLr, config.scheduleSteps]).toEqual(['lin_1e-3', 'lin_1e-3', 400]);
    // The half run (scheduleSteps given: 400, as the straight run's default) continued from step 150.
    const r = await cli('train', '--resume', join(half, 'checkpoint.ddpg'), '--steps', '400');
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(hash(half)).toBe(hash(straight));
    const bad = await cli('train', '--steps', '10', '--set', 'actorLr=lin_x', '--out', join(base, 'bad'));
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('actorLr must be a number in (0, 1] or "lin_X", X in (0, 1], got "lin_x"')]);
  }, 120_000);
});
