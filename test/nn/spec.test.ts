// Spec validation: every error names the field and the allowed range.
import { describe, expect, it } from 'vitest';
import { Arena, createKernels } from '../../src/kernels/index.js';
import { Network, validateSpec, type NetworkSpec } from '../../src/nn/index.js';

/** Builds a spec from untyped parts, as a user's JSON config would arrive. */
const spec = (s: unknown): NetworkSpec => s as NetworkSpec;
const ok = { inputs: [3], layers: [{ units: 1 }] };

describe('validateSpec', () => {
  it('accepts the notebook critic', () => {
    expect(() => validateSpec({
      inputs: [3, 1],
      branches: [[{ units: 16, activation: 'relu' }, { units: 32, activation: 'relu' }], [{ units: 32, activation: 'relu' }]],
      layers: [{ units: 256, activation: 'relu' }, { units: 256, activation: 'relu' }, { units: 1 }],
    })).not.toThrow();
  });

  for (const w of [0, 1.5, -1, Number.NaN, 65537, '3']) {
    it(`input width ${String(w)} is a RangeError naming inputs[0] and [1, 65536]`, () => {
      expect(() => validateSpec(spec({ ...ok, inputs: [w] }))).toThrow(RangeError);
      expect(() => validateSpec(spec({ ...ok, inputs: [w] }))).toThrow(/network\.inputs\[0\] must be an integer in \[1, 65536\]/);
    });
  }

  it('no inputs is a RangeError naming inputs', () => {
    expect(() => validateSpec(spec({ ...ok, inputs: [] }))).toThrow(/network\.inputs must be an array of 1 to 3 widths/);
  });

  it('four inputs is a RangeError (forward takes three input pointers)', () => {
    expect(() => validateSpec(spec({ ...ok, inputs: [1, 1, 1, 1] }))).toThrow(/network\.inputs must be an array of 1 to 3 widths/);
  });

  for (const units of [0, 1.5]) {
    it(`units ${units} is a RangeError naming layers[0].units and [1, 65536]`, () => {
      expect(() => validateSpec(spec({ inputs: [3], layers: [{ units }] }))).toThrow(/network\.layers\[0\]\.units must be an integer in \[1, 65536\]/);
    });
  }

  it("activation 'gelu' is a RangeError naming the field and the allowed names", () => {
    expect(() => validateSpec(spec({ inputs: [3], layers: [{ units: 2, activation: 'gelu' }] })))
      .toThrow(/network\.layers\[0\]\.activation must be one of identity, relu, tanh, got gelu/);
  });

  for (const scale of [0, -2, Number.POSITIVE_INFINITY]) {
    it(`scale ${scale} is a RangeError naming scale`, () => {
      expect(() => validateSpec(spec({ inputs: [3], layers: [{ units: 1, scale }] }))).toThrow(/layers\[0\]\.scale must be a finite number > 0/);
    });
  }

  it("kernelInit 'he' is a RangeError naming kernelInit and the allowed forms", () => {
    expect(() => validateSpec(spec({ inputs: [3], layers: [{ units: 1, kernelInit: 'he' }] }))).toThrow(/layers\[0\]\.kernelInit must be 'glorot-uniform'/);
  });

  it('biasInit { uniform: −1 } is a RangeError naming biasInit', () => {
    expect(() => validateSpec(spec({ inputs: [3], layers: [{ units: 1, biasInit: { uniform: -1 } }] }))).toThrow(/layers\[0\]\.biasInit/);
  });

  it('a branch layer error names its branch and position', () => {
    expect(() => validateSpec(spec({ inputs: [3, 1], branches: [[], [{ units: 0 }]], layers: [{ units: 1 }] })))
      .toThrow(/network\.branches\[1\]\[0\]\.units/);
  });

  it('a branch that is not an array is a TypeError naming it', () => {
    expect(() => validateSpec(spec({ inputs: [3], branches: [{ units: 4 }], layers: [{ units: 1 }] }))).toThrow(TypeError);
    expect(() => validateSpec(spec({ inputs: [3], branches: [{ units: 4 }], layers: [{ units: 1 }] }))).toThrow(/network\.branches\[0\] must be an array/);
  });

  it('more branches than inputs is a RangeError', () => {
    expect(() => validateSpec(spec({ inputs: [3], branches: [[], []], layers: [{ units: 1 }] }))).toThrow(/branches must be an array with at most one entry per input/);
  });

  it('a layer that is not an object is a TypeError naming it', () => {
    expect(() => validateSpec(spec({ inputs: [3], layers: [null] }))).toThrow(TypeError);
    expect(() => validateSpec(spec({ inputs: [3], layers: [null] }))).toThrow(/network\.layers\[0\] must be an object/);
  });

  it('no layers is a RangeError naming layers', () => {
    expect(() => validateSpec(spec({ inputs: [3], layers: [] }))).toThrow(/network\.layers must be a non-empty array/);
  });

  it('the Network constructor validates with its name as the prefix', () => {
    const arena = new Arena(createKernels('reference'));
    expect(() => new Network(arena, spec({ inputs: [3], layers: [{ units: 0 }] }), { maxBatch: 1, name: 'critic' }))
      .toThrow(/critic\.layers\[0\]\.units/);
  });
});
