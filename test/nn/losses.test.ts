// The losses and their gradient seeds, on hand-computed examples.
import { describe, expect, it } from 'vitest';
import { halfMse, mse, negMeanQ } from '../../src/nn/index.js';

const f32 = (xs: number[], n = 4): Float32Array => {
  const a = new Float32Array(n);
  a.set(xs);
  return a;
};

describe('mse', () => {
  // pred (1, 2, 4), target (0, 2, 1): errors (1, 0, 3); L = (1 + 0 + 9)/3 = 10/3
  it('returns (1/N)·Σ (pred − target)²', () => {
    expect(mse(3, f32([1, 2, 4]), f32([0, 2, 1]), f32([]))).toBeCloseTo(10 / 3, 12);
  });

  it('writes ∂L/∂pred = (2/N)·(pred − target), each rounded once to float32, and only the first N rows', () => {
    const g = f32([9, 9, 9, 9]);
    mse(3, f32([1, 2, 4]), f32([0, 2, 1]), g);
    // (2/3)·(1, 0, 3) = (2/3, 0, 2); row 4 is beyond N and keeps its value
    expect([...g]).toEqual([Math.fround(2 / 3), 0, 2, 9]);
  });

  it('may write the gradient over pred', () => {
    const p = f32([1, 2, 4]);
    mse(3, p, f32([0, 2, 1]), p);
    expect([...p.subarray(0, 3)]).toEqual([Math.fround(2 / 3), 0, 2]);
  });
});

describe('halfMse', () => {
  // errors (1, 0, 3): J = ½·(1 + 0 + 9)/3 = 5/3; ∂J/∂pred = (1, 0, 3)/3
  it('returns ½·(1/N)·Σ (pred − target)² and writes (pred − target)/N', () => {
    const g = f32([]);
    expect(halfMse(3, f32([1, 2, 4]), f32([0, 2, 1]), g)).toBeCloseTo(5 / 3, 12);
    expect([...g.subarray(0, 3)]).toEqual([Math.fround(1 / 3), 0, 1]);
  });
});

describe('negMeanQ', () => {
  // Q (1, 2, 6): L = −(1 + 2 + 6)/3 = −3
  it('returns −(1/N)·Σ Q', () => {
    expect(negMeanQ(3, f32([1, 2, 6]), f32([]))).toBe(-3);
  });

  it('writes the seed −1/N to every gradient entry', () => {
    const g = f32([]);
    negMeanQ(3, f32([1, 2, 6]), g);
    expect([...g.subarray(0, 3)]).toEqual([Math.fround(-1 / 3), Math.fround(-1 / 3), Math.fround(-1 / 3)]);
  });
});
