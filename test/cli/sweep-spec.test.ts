// The sweep spec (src/cli/sweep-spec.ts): validation names the field and what it
// allows; expansion is grid × random draws × seeds, reproducible from random.seed.
import { describe, expect, it } from 'vitest';
import { configurations, parseSpec, trials } from '../../src/cli/sweep-spec.js';

const SPACE = { tau: { logUniform: [1e-3, 1e-1] }, batchSize: { int: [4, 6] }, gamma: { uniform: [0.9, 0.99] }, init: { list: ['keras', 'paper'] } };

describe('sweep spec validation', () => {
  it.each([
    [{ evalEvry: 3 }, /unknown key evalEvry \(did you mean evalEvery\?\); known: algo, env/],
    [{ algo: 'dpg' }, /algo must be one of ddpg, td3, sac, got "dpg" \(did you mean ddpg\?\)/],
    [{ env: 'Pendulum' }, /env must be one of .*Pendulum-v1/],
    [{ preset: 'kera' }, /preset must be one of keras, paper, got "kera" \(did you mean keras\?\)/],
    [{ grid: { actorLrr: [1] } }, /grid: "actorLrr" is not a ddpg config field \(did you mean actorLr\?\)/],
    [{ grid: { actorLr: [] } }, /grid.actorLr must be a non-empty list/],
    [{ grid: { seed: [1, 2] } }, /seed is not a config point; list the seeds in "seeds"/],
    [{ overrides: { actorLr: -1 } }, /overrides: DDPG config: actorLr must be a number in \(0, 1\] or "lin_X", X in \(0, 1\], got -1/],
    [{ overrides: { toString: 1 } }, /"toString" is not a ddpg config field/],
    [{ random: { count: 2, space: { tau: { logUniform: [0, 1] } } } }, /random.space.tau.logUniform needs 0 < lo < hi/],
    [{ random: { count: 2, space: { tau: { uniform: [1, 1] } } } }, /random.space.tau.uniform must be \[lo, hi\] with finite lo < hi/],
    [{ random: { count: 2, space: { batchSize: { int: [1.5, 3] } } } }, /batchSize.int must be \[lo, hi\] integers/],
    [{ random: { count: 2, space: { tau: { normal: [0, 1] } } } }, /unknown key random.space.tau.normal; known: list, uniform, logUniform, int/],
    [{ random: { space: { tau: { list: [1] } } } }, /random.count must be an integer ≥ 1/],
    [{ random: { count: 1, space: { tau: { list: [1] } } }, grid: { tau: [1] } }, /tau is in both grid and random.space/],
    [{ seeds: [1, 1] }, /seeds must be a count ≥ 1 or a non-empty list of distinct integers ≥ 0, got \[1,1\]/],
    [{ steps: 0 }, /steps must be an integer ≥ 1, got 0/],
    [{ threshold: 'high' }, /threshold must be a finite number/],
    [JSON.parse('{"__proto__": {"steps": 5}}') as object, /unknown key __proto__/],
    [JSON.parse('{"grid": {"__proto__": [1]}}') as object, /"__proto__" is not a ddpg config field/],
  ])('%j is refused', (spec, message) => {
    expect(() => parseSpec(spec, 'spec.json')).toThrow(message);
  });

  it('fills the defaults', () => {
    const s = parseSpec({});
    expect(s).toMatchObject({ algo: 'ddpg', env: 'Pendulum-v1', preset: 'keras', seeds: [0], target: { episodes: 100 }, evalEvery: 2000, evalEpisodes: 5, saveEvery: 2000, budget: null, threshold: null });
  });

  it('accepts dotted members as --set does', () => {
    const s = parseSpec({ algo: 'td3', grid: { 'actionNoise.sigma': [0.1, 0.2] } });
    expect(configurations(s)).toEqual([{ 'actionNoise.sigma': 0.1 }, { 'actionNoise.sigma': 0.2 }]);
  });
});

describe('sweep expansion', () => {
  it('is grid (last field fastest) × random draws × seeds, cut to the budget', () => {
    const spec = parseSpec({ grid: { actorLr: [1e-3, 2e-3], criticLr: [1e-3, 3e-3] }, random: { count: 3, seed: 7, space: SPACE }, seeds: [4, 9] });
    const configs = configurations(spec);
    expect(configs).toHaveLength(12);
    expect(configs.slice(0, 3).map((c) => [c.actorLr, c.criticLr])).toEqual([[1e-3, 1e-3], [1e-3, 1e-3], [1e-3, 1e-3]]);
    expect(configs[3]).toMatchObject({ actorLr: 1e-3, criticLr: 3e-3 });
    // The same three draws for every grid point.
    expect(configs.slice(3, 6).map((c) => c.tau)).toEqual(configs.slice(0, 3).map((c) => c.tau));
    const t = trials(spec);
    expect(t).toHaveLength(24);
    expect(t.slice(0, 3).map((x) => x.id)).toEqual(['c00-s4', 'c00-s9', 'c01-s4']);
    expect(trials(parseSpec({ ...JSON.parse(JSON.stringify({ grid: { actorLr: [1e-3, 2e-3] } })) as object, seeds: 3, budget: 4 })).map((x) => x.id))
      .toEqual(['c0-s0', 'c0-s1', 'c0-s2', 'c1-s0']);
  });

  it('draws reproducibly from random.seed, inside every range', () => {
    const draws = (seed: number): unknown[] => configurations(parseSpec({ random: { count: 50, seed, space: SPACE } }));
    const a = draws(1);
    expect(draws(1)).toEqual(a);
    expect(draws(2)).not.toEqual(a);
    for (const p of a as Record<string, number | string>[]) {
      expect(p.tau).toBeGreaterThanOrEqual(1e-3);
      expect(p.tau).toBeLessThan(1e-1);
      expect([4, 5, 6]).toContain(p.batchSize);
      expect(p.gamma).toBeGreaterThanOrEqual(0.9);
      expect(['keras', 'paper']).toContain(p.init);
    }
    // Log-uniform: about half of the draws below the geometric midpoint 1e-2.
    const low = (a as { tau: number }[]).filter((p) => p.tau < 1e-2).length;
    expect(low).toBeGreaterThan(15);
    expect(low).toBeLessThan(35);
    // Pinned values: the draws are part of a sweep's identity.
    expect((a[0] as { tau: number }).tau).toMatchInlineSnapshot(`0.04727769980877942`);
  });
});
