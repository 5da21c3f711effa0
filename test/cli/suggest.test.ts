// "Did you mean …?" and --set parsing.
import { describe, expect, it } from 'vitest';
import { ALGORITHMS } from '../../src/cli/algos.js';
import { parseSets } from '../../src/cli/sets.js';
import { levenshtein, nearest } from '../../src/cli/suggest.js';

const ddpg = ALGORITHMS.ddpg!;

describe('levenshtein', () => {
  it('counts insertions, deletions and substitutions', () => {
    // kitten → sitten (substitute) → sittin (substitute) → sitting (insert)
    expect(levenshtein('kitten', 'sitting')).toBe(3);
  });
});

describe('nearest', () => {
  it('prefers the candidate with a dropped letter on a tie (--sed → --seed, not --set)', () => {
    expect(nearest('--sed', ['--set', '--seed'])).toBe('--seed');
  });

  it('suggests nothing when every candidate is far', () => {
    expect(nearest('--xyzzy', ['--out', '--env'])).toBeUndefined();
  });
});

describe('parseSets', () => {
  it('reads values as JSON when they parse', () => {
    expect(parseSets(['actorLayers=[64,64]', 'actorLr=5e-4', 'noiseResetOnEpisode=true'], ddpg, 'keras', 'train'))
      .toEqual({ actorLayers: [64, 64], actorLr: 5e-4, noiseResetOnEpisode: true });
  });

  it('keeps other values as strings', () => {
    expect(parseSets(['init=paper'], ddpg, 'keras', 'train')).toEqual({ init: 'paper' });
  });

  it('sets one member of an object field on top of the preset', () => {
    // keras preset: OU σ 0.1 (of h), θ 0.15, dt 1e-2
    expect(parseSets(['actionNoise.sigma=0.3'], ddpg, 'keras', 'train'))
      .toEqual({ actionNoise: { type: 'ou', sigma: 0.3, theta: 0.15, dt: 1e-2 } });
  });

  it('refuses an item without "="', () => {
    expect(() => parseSets(['actorLr'], ddpg, 'keras', 'train')).toThrow('--set expects KEY=VALUE');
  });

  it('cannot reach a prototype: __proto__, constructor and prototype are refused at every depth', () => {
    for (const item of ['actionNoise.__proto__.kind="policy"', 'actionNoise.constructor.x=1', '__proto__.kind=1', 'actionNoise.prototype=1']) {
      expect(() => parseSets([item], ddpg, 'keras', 'train'), item).toThrow(/--set/);
    }
    expect(({} as Record<string, unknown>).kind).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('kind');
  });

  it('a member that is not there is set as an own member, which the config check then refuses by name', () => {
    const sets = parseSets(['actionNoise.kind=1'], ddpg, 'keras', 'train');
    expect(Object.keys(sets.actionNoise as object)).toContain('kind');
    expect(() => ddpg.validate({ preset: 'keras', ...sets })).toThrow(/actionNoise\.kind must be absent/);
  });
});
