// DDPG configuration: validation names the field, the value and the range;
// presets are frozen and hold the primary sources' values.
import { describe, expect, it } from 'vitest';
import { CONFIG_FIELDS, DDPG_PRESETS, resolveConfig, type DDPGConfig } from '../../src/agents/ddpg-config.js';
import { ddpgNetworks } from '../../src/agents/ddpg.js';
import { networkLayout } from '../../src/nn/index.js';

/** One invalid value per field, and the range text the error must quote. */
const BAD: Record<keyof DDPGConfig, readonly [unknown, string]> = {
  actorLayers: [[256, 0], 'an integer in [1, 65536]'],
  criticStateLayers: ['16', 'an array of 0–16 layer widths'],
  criticActionLayers: [[1.5], 'an integer in [1, 65536]'],
  criticLayers: [[256, 70000], 'an integer in [1, 65536]'],
  init: ['xavier', 'one of "keras", "paper"'],
  actorLr: [0, 'a number in (0, 1] or "lin_X", X in (0, 1]'],
  criticLr: ['lin_2', 'a number in (0, 1] or "lin_X", X in (0, 1]'],
  adamEps: [-1e-7, 'a finite number in (0, 1]'],
  adamEpsMode: ['tf', 'one of "keras", "pytorch"'],
  criticWeightDecay: [-0.01, 'a finite number in [0, 1]'],
  gamma: [1.01, 'a finite number in [0, 1]'],
  tau: [0, 'a finite number in (0, 1]'],
  batchSize: [64.5, 'an integer in [1, 65536]'],
  bufferSize: [0, 'an integer in [1, 100000000]'],
  learningStarts: [-1, 'an integer in [0, 9007199254740991]'],
  trainFreq: [0, 'an integer in [1, 1000000]'],
  gradientSteps: [-1, 'an integer in [0, 1000000]'],
  actionNoise: [{ type: 'ou', sigma: 0.2, theta: 0.15, dt: 0 }, 'a finite number in (0, 1000000]'],
  noiseFinalScale: [NaN, 'a finite number in [0, 1000000]'],
  noiseDecaySteps: [0, 'an integer in [1, 9007199254740991]'],
  noiseResetOnEpisode: ['yes', 'one of true, false'],
  seed: [-3, 'an integer in [0, 9007199254740991]'],
  scheduleSteps: [0, 'absent or an integer ≥ 1'],
};

/** The field path the error names (nested for arrays and the noise object). */
const PATH: Partial<Record<keyof DDPGConfig, string>> = {
  actorLayers: 'actorLayers[1]', criticActionLayers: 'criticActionLayers[0]', criticLayers: 'criticLayers[1]',
  actionNoise: 'actionNoise.dt',
};

describe('resolveConfig: validation', () => {
  it('has a bad-value case for every config field', () => {
    expect(Object.keys(BAD).sort()).toEqual([...CONFIG_FIELDS].sort());
  });

  for (const field of CONFIG_FIELDS) {
    const [value, range] = BAD[field];
    it(`rejects ${field} = ${JSON.stringify(value) ?? String(value)} with a RangeError naming the field, the value and the range`, () => {
      const err = (() => { try { resolveConfig({ [field]: value }); } catch (e) { return e; } return null; })();
      expect(err).toBeInstanceOf(RangeError);
      const msg = (err as Error).message;
      expect(msg).toContain(PATH[field] ?? field);
      expect(msg).toContain(range);
      const shown = field === 'actorLayers' ? '0' : field === 'criticLayers' ? '70000' : field === 'actionNoise' ? 'got 0'
        : field === 'criticActionLayers' ? '1.5' : typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
      expect(msg).toContain(shown);
    });
  }

  it('rejects an unknown field, naming it', () => {
    expect(() => resolveConfig({ learningRate: 1e-3 } as never)).toThrow(/unknown field "learningRate"/);
  });

  it('rejects an unknown preset', () => {
    expect(() => resolveConfig({ preset: 'sb3' as never })).toThrow(RangeError);
  });

  it('rejects an unknown noise type', () => {
    expect(() => resolveConfig({ actionNoise: { type: 'pink' } as never })).toThrow(/actionNoise\.type/);
  });

  it('accepts the Gaussian and no-noise forms', () => {
    expect(resolveConfig({ actionNoise: { type: 'gaussian', sigma: 0.1 } }).actionNoise.type).toBe('gaussian');
    expect(resolveConfig({ actionNoise: { type: 'none' } }).actionNoise.type).toBe('none');
  });

  it('returns a frozen config and leaves the preset untouched by overrides', () => {
    const c = resolveConfig({ gamma: 0.9 });
    expect(Object.isFrozen(c)).toBe(true);
    expect(c.gamma).toBe(0.9);
    expect(DDPG_PRESETS.keras.gamma).toBe(0.99);
  });

  it('defaults to the keras preset', () => {
    expect(resolveConfig()).toEqual(DDPG_PRESETS.keras);
  });
});

describe('presets', () => {
  it('are frozen, nested arrays and noise objects included', () => {
    for (const p of Object.values(DDPG_PRESETS)) {
      expect(Object.isFrozen(p)).toBe(true);
      expect(Object.isFrozen(p.actorLayers) && Object.isFrozen(p.criticLayers) && Object.isFrozen(p.criticStateLayers)).toBe(true);
      expect(Object.isFrozen(p.criticActionLayers) && Object.isFrozen(p.actionNoise)).toBe(true);
    }
    expect(Object.isFrozen(DDPG_PRESETS)).toBe(true);
    expect(() => { (DDPG_PRESETS.keras as { gamma: number }).gamma = 0.5; }).toThrow(TypeError);
  });

  // keras-io examples/rl/ddpg_pendulum.py: get_actor (256, 256, tanh × upper_bound),
  // get_critic (state 16, 32; action 32; concat 256, 256, 1), Adam(0.001) actor,
  // Adam(0.002) critic, gamma 0.99, tau 0.005, Buffer(50000, 64), OUActionNoise
  // (std_dev 0.2, theta 0.15, dt 1e-2), tf.keras Adam epsilon 1e-7.
  it('keras holds the notebook values', () => {
    const k = DDPG_PRESETS.keras;
    expect([...k.actorLayers]).toEqual([256, 256]);
    expect([...k.criticStateLayers]).toEqual([16, 32]);
    expect([...k.criticActionLayers]).toEqual([32]);
    expect([...k.criticLayers]).toEqual([256, 256]);
    expect([k.actorLr, k.criticLr, k.gamma, k.tau, k.batchSize, k.bufferSize]).toEqual([1e-3, 2e-3, 0.99, 0.005, 64, 50_000]);
    // σ is a fraction of the bound: 0.1 of Pendulum's h = 2 is the notebook's std_dev = 0.2 torque.
    expect(k.actionNoise).toEqual({ type: 'ou', sigma: 0.1, theta: 0.15, dt: 1e-2 });
    expect([k.adamEps, k.adamEpsMode, k.init, k.criticWeightDecay]).toEqual([1e-7, 'keras', 'keras', 0]);
    // Updates from the very first step, one per env step, noise never reset or decayed.
    expect([k.learningStarts, k.trainFreq, k.gradientSteps, k.noiseFinalScale, k.noiseResetOnEpisode]).toEqual([0, 1, 1, 1, false]);
  });

  // Keras model.summary() of the notebook on Pendulum (obs 3, action 1):
  // actor 3·256+256 + 256·256+256 + 256·1+1 = 67 073;
  // critic (3·16+16) + (16·32+32) + (1·32+32) + (64·256+256) + (256·256+256) + (256+1) = 83 361.
  it('keras builds the notebook networks on Pendulum (tanh × 2 output, parameter counts of model.summary())', () => {
    const { actor, critic } = ddpgNetworks(DDPG_PRESETS.keras, 3, 1, 2);
    expect(actor.layers.at(-1)).toMatchObject({ units: 1, activation: 'tanh', scale: 2, kernelInit: { uniform: 3e-3 } });
    const count = (spec: typeof actor): number => networkLayout(spec).layout.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
    expect(count(actor)).toBe(67_073);
    expect(count(critic)).toBe(83_361);
  });

  // Lillicrap et al. 2015, §7.
  it('paper holds the §7 values', () => {
    const p = DDPG_PRESETS.paper;
    expect([...p.actorLayers, ...p.criticStateLayers, ...p.criticActionLayers, ...p.criticLayers]).toEqual([400, 300, 400, 300]);
    expect([p.actorLr, p.criticLr, p.criticWeightDecay, p.tau, p.gamma, p.batchSize, p.bufferSize]).toEqual([1e-4, 1e-3, 1e-2, 1e-3, 0.99, 64, 1_000_000]);
    expect([p.init, p.noiseResetOnEpisode]).toEqual(['paper', true]);
  });
});
