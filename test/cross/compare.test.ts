import { describe, expect, it } from 'vitest';
import { compareResults, type RuntimeResult } from '../../scripts/cross/compare.mjs';

const base: RuntimeResult = {
  runtime: 'node',
  weightsHash: 'ca51f8ff',
  checkpointHash: 'c67f66a6',
  td3Hash: '1b2c3d4e',
  sacHash: '5f6a7b8c',
  actions: [-1.630579948425293, -1.7435420751571655],
  actionBits: ['bfd0b6d8', 'bfdf2c63'],
  returns: [-1891.120601062349, -1596.0069802069936],
};
const as = (runtime: string, patch: Partial<RuntimeResult> = {}): RuntimeResult => ({ ...base, runtime, ...patch });

describe('compareResults (scripts/crosscheck.mjs)', () => {
  it('passes four identical runtimes', () => {
    expect(compareResults([as('node'), as('deno'), as('bun'), as('chromium')])).toEqual({ ok: true, problems: [] });
  });

  it('fails when fewer than four runtimes ran, even if they agree', () => {
    const r = compareResults([as('node'), as('deno'), as('bun')]);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual(['only 3 runtime(s) ran; at least 4 are required']);
  });

  it('names the runtime and both hashes when the weights differ', () => {
    const r = compareResults([as('node'), as('deno'), as('firefox', { weightsHash: '00000000' }), as('bun')]);
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual(['firefox differs from node: weightsHash 00000000 ≠ ca51f8ff']);
  });

  it('names the algorithm when only the SAC weights differ', () => {
    const r = compareResults([as('node'), as('deno'), as('bun'), as('workerd', { sacHash: '00000000' })]);
    expect(r.problems).toEqual(['workerd differs from node: sacHash 00000000 ≠ 5f6a7b8c']);
  });

  it('catches an evaluation action that differs in the last float32 bit only', () => {
    // 0xbfdf2c64 is the float32 next to 0xbfdf2c63: the printed decimals differ only in the 8th digit.
    const r = compareResults([as('node'), as('deno'), as('bun'), as('workerd', { actionBits: ['bfd0b6d8', 'bfdf2c64'] })]);
    expect(r.ok).toBe(false);
    expect(r.problems[0]).toMatch(/^workerd differs from node: eval action 1: /);
  });

  it('points at the first training episode whose return differs', () => {
    const r = compareResults([as('node'), as('deno'), as('bun'), as('chromium', { returns: [-1891.120601062349, -1596.5] })]);
    expect(r.problems).toEqual(['chromium differs from node: training episode 2 return -1596.5 ≠ -1596.0069802069936']);
  });
});
