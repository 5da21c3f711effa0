// The learning-curve writer: tick choice, labels, moving average, document shape.
import { describe, expect, it } from 'vitest';
import { escapeXml, formatTick, learningCurveSvg, movingAverage, niceTicks } from '../../src/cli/svg.js';

describe('niceTicks', () => {
  it('steps by 1, 2 or 5 × 10^k', () => {
    // range 2062 / 5 intervals = 412 → rounded up to 500
    expect(niceTicks(-1986, 76).step).toBe(500);
  });

  it('places ticks inside the range only', () => {
    expect(niceTicks(-1986, 76).values).toEqual([-1500, -1000, -500, 0]);
  });

  it('widens an empty range instead of dividing by zero', () => {
    const t = niceTicks(-1200, -1200);
    expect(t.hi).toBeGreaterThan(t.lo);
  });
});

describe('formatTick', () => {
  it('writes thousands with k once the step is ≥ 1000', () => {
    expect(formatTick(15000, 5000)).toBe('15k');
  });

  it('uses a true minus sign', () => {
    expect(formatTick(-500, 500)).toBe('−500');
  });

  it('keeps the decimals the step needs', () => {
    expect(formatTick(0.25, 0.05)).toBe('0.25');
  });
});

describe('movingAverage', () => {
  it('averages the trailing window, fewer points at the start', () => {
    // window 2: [1], [1,3], [3,5]
    expect(movingAverage([1, 3, 5], 2)).toEqual([1, 2, 4]);
  });
});

describe('learningCurveSvg', () => {
  const svg = learningCurveSvg({
    title: 'DDPG on Pendulum-v1 · seed 0 <&>',
    episodes: [{ step: 200, value: -1500 }, { step: 400, value: -900 }],
    evals: [{ step: 400, mean: -800, std: 50 }],
    window: 10,
  });

  it('escapes the title', () => {
    expect(svg).toContain('seed 0 &lt;&amp;&gt;</text>');
  });

  it('draws the returns and their moving average as two polylines', () => {
    expect(svg.match(/<polyline /g)).toHaveLength(2);
  });

  it('labels both axes', () => {
    expect(svg).toContain('>environment steps</text>');
    expect(svg).toContain('>episode return</text>');
  });

  it('is one svg element', () => {
    expect(svg.trim()).toMatch(/^<svg [^>]*>[\s\S]*<\/svg>$/);
  });
});

describe('escapeXml', () => {
  it('escapes both quote characters (safe inside attributes)', () => {
    expect(escapeXml('"\'')).toBe('&quot;&apos;');
  });
});
