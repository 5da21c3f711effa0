// The two losses and their gradient seeds, on hand-computed examples.
import { describe, expect, it } from 'vitest';
import { mse, negMeanQ } from '../../src/nn/index.js';

/** A little heap: pred at float 0, target at 4, grad at 8 (byte offsets 0, 16, 32). */
function heap(pred: number[], target: number[] = []): Float32Array {
  const h = new Float32Array(12);
  h.set(pred, 0);
  h.set(target, 4);
  return h;
}

describe('mse', () => {
  // pred (1, 2, 4), target (0, 2, 1): errors (1, 0, 3); L = (1 + 0 + 9)/3 = 10/3
  it('returns (1/N)·Σ (pred − target)²', () => {
    expect(mse(heap([1, 2, 4], [0, 2, 1]), 3, 0, 16, 32)).toBeCloseTo(10 / 3, 12);
  });

  it('writes ∂L/∂pred = (2/N)·(pred − target)', () => {
    const h = heap([1, 2, 4], [0, 2, 1]);
    mse(h, 3, 0, 16, 32);
    // (2/3)·(1, 0, 3) = (2/3, 0, 2), each rounded once to float32
    expect([...h.subarray(8, 11)]).toEqual([Math.fround(2 / 3), 0, 2]);
  });

  it('may write the gradient over pred', () => {
    const h = heap([1, 2, 4], [0, 2, 1]);
    mse(h, 3, 0, 16, 0);
    expect([...h.subarray(0, 3)]).toEqual([Math.fround(2 / 3), 0, 2]);
  });
});

describe('negMeanQ', () => {
  // Q (1, 2, 6): L = −(1 + 2 + 6)/3 = −3
  it('returns −(1/N)·Σ Q', () => {
    expect(negMeanQ(heap([1, 2, 6]), 3, 0, 32)).toBe(-3);
  });

  it('writes the seed −1/N to every gradient entry', () => {
    const h = heap([1, 2, 6]);
    negMeanQ(h, 3, 0, 32);
    expect([...h.subarray(8, 11)]).toEqual([Math.fround(-1 / 3), Math.fround(-1 / 3), Math.fround(-1 / 3)]);
  });
});
