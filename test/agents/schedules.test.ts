// Learning-rate and noise schedules (issue 16): RL Zoo's "lin_X" learning rates
// fall linearly from X to 0 over scheduleSteps (SB3's progress_remaining · X, set
// before each update), the noise scale falls linearly by noiseFinalScale /
// noiseDecaySteps; both are functions of the step count, so a checkpoint resumes
// them bit for bit.
import { describe, expect, it } from 'vitest';
import { DDPG } from '../../src/agents/ddpg.js';
import { resolveConfig } from '../../src/agents/ddpg-config.js';
import { SAC } from '../../src/agents/sac.js';
import { makeEnv } from '../../src/envs/make.js';
import { SHORT_PENDULUM, smallAgent } from './helpers.js';

const SCHEDULED = { actorLr: 'lin_1e-3', criticLr: 'lin_2e-3', scheduleSteps: 300, noiseFinalScale: 0, noiseDecaySteps: 300 } as const;

describe('schedules', () => {
  it('set each lin_X rate to X·(1 − steps/scheduleSteps) before the updates of a step, 0 from scheduleSteps on', async () => {
    const a = smallAgent(1, SCHEDULED);
    const [actor, critic] = a.parts.optims;
    expect([actor!.adam.lr, critic!.adam.lr]).toEqual([1e-3, 2e-3]);
    await a.learn(120);
    expect([actor!.adam.lr, critic!.adam.lr]).toEqual([1e-3 * (1 - 120 / 300), 2e-3 * (1 - 120 / 300)]);
    await a.learn(200);
    expect([actor!.adam.lr, critic!.adam.lr]).toEqual([0, 0]);
  });

  it('change training (a constant rate gives other weights)', async () => {
    const a = smallAgent(1, SCHEDULED), b = smallAgent(1, { ...SCHEDULED, actorLr: 1e-3, criticLr: 2e-3 });
    await a.learn(150);
    await b.learn(150);
    expect(a.weightsHash()).not.toBe(b.weightsHash());
  });

  it('resume bit-identically: train 130, save, load, train 170 ≡ train 300, to the byte (DDPG; SAC with alphaLr)', async () => {
    const straight = smallAgent(2, SCHEDULED);
    await straight.learn(300);
    const half = smallAgent(2, SCHEDULED);
    await half.learn(130);
    const resumed = DDPG.load(half.save(), makeEnv('Pendulum-v1', SHORT_PENDULUM));
    await resumed.learn(170);
    expect(Buffer.from(resumed.save()).equals(Buffer.from(straight.save()))).toBe(true);
    const sac = (): SAC => new SAC(makeEnv('Pendulum-v1', SHORT_PENDULUM), { seed: 3, actorLayers: [8], criticLayers: [8], batchSize: 8, alphaLr: 'lin_1e-3', scheduleSteps: 200 });
    const s1 = sac(), s2 = sac();
    await s1.learn(200);
    await s2.learn(90);
    const s3 = SAC.load(s2.save(), makeEnv('Pendulum-v1', SHORT_PENDULUM));
    await s3.learn(110);
    expect(s3.weightsHash()).toBe(s1.weightsHash());
  });

  it('are refused naming the field, the value and the range', () => {
    const range = 'a number in (0, 1] or "lin_X", X in (0, 1]';
    expect(() => resolveConfig({ actorLr: 'lin_2' as never, scheduleSteps: 10 })).toThrow(`DDPG config: actorLr must be ${range}, got "lin_2"`);
    expect(() => resolveConfig({ criticLr: 'exp_1e-3' as never, scheduleSteps: 10 })).toThrow(`criticLr must be ${range}, got "exp_1e-3"`);
    expect(() => resolveConfig({ actorLr: 'lin_' as never, scheduleSteps: 10 })).toThrow(`actorLr must be ${range}, got "lin_"`);
    expect(() => smallAgent(0, { actorLr: 'lin_1e-3' })).toThrow('DDPG config: scheduleSteps must be an integer ≥ 1 with actorLr "lin_X", got undefined');
    expect(() => resolveConfig({ scheduleSteps: 0.5 })).toThrow('scheduleSteps must be absent or an integer ≥ 1, got 0.5');
  });

  it('leave configs without them as they were (no scheduleSteps key: checkpoints keep their bytes)', () => {
    expect(Object.keys(resolveConfig({}))).not.toContain('scheduleSteps');
  });
});
