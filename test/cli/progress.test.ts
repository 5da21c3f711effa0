// The progress display: a bar redrawn in place on a terminal, plain lines otherwise.
import { describe, expect, it } from 'vitest';
import { formatDuration, Progress, progressFields, type ProgressState } from '../../src/cli/progress.js';

const state: ProgressState = {
  steps: 8400, totalSteps: 20000, episodes: 42, totalEpisodes: 100, sps: 290,
  lastReturn: -130.24, avg10: -150.31, evalMean: -140.1, evalStd: 12.04,
};

const sink = (columns?: number): { out: string[]; write(s: string): void; columns?: number } => {
  const out: string[] = [];
  return { out, write: (s: string) => void out.push(s), ...(columns !== undefined ? { columns } : {}) };
};

describe('formatDuration', () => {
  it('writes m:ss below an hour and h:mm:ss above', () => {
    expect([formatDuration(75), formatDuration(3725)]).toEqual(['1:15', '1:02:05']);
  });
});

describe('progressFields', () => {
  it('shows episode, steps, speed, returns, evaluation and ETA', () => {
    // ETA: (20000 − 8400) / 290 = 40 s
    expect(progressFields(state)).toEqual([
      'ep 42/100', 'step 8400/20000', '290 steps/s', 'return -130.2', 'avg10 -150.3', 'eval -140.1±12.0', 'ETA 0:40',
    ]);
  });
});

describe('Progress', () => {
  it('redraws the bar in place on a terminal', () => {
    const s = sink(160);
    new Progress(s, 'bar').update(state, true);
    expect(s.out[0]).toMatch(/^\r\[█+░+\]  42% ep 42\/100 .*\x1b\[K$/);
  });

  it('fits the bar line into the terminal width', () => {
    const s = sink(80);
    new Progress(s, 'bar').update(state, true);
    expect(s.out[0]!.replace(/^\r/, '').replace(/\x1b\[K$/, '').length).toBeLessThanOrEqual(79);
  });

  it('writes whole lines when not on a terminal', () => {
    const s = sink();
    new Progress(s, 'lines').periodic(state);
    expect(s.out).toEqual([`${progressFields(state).join(' | ')}\n`]);
  });

  it('prints nothing in quiet mode', () => {
    const s = sink();
    const p = new Progress(s, 'off');
    p.update(state, true);
    p.periodic(state);
    p.message('hello');
    expect(s.out).toEqual([]);
  });
});

describe('the bar width (issue 16, item 7)', () => {
  const cells = (line: string): number => (line.match(/[█░]/g) ?? []).length;

  it('stays the same when the eval field appears and the returns gain digits', () => {
    for (const cols of [120, 140, 160]) {
      const s = sink(cols);
      const p = new Progress(s, 'bar');
      p.update({ ...state, steps: 100, episodes: 0, sps: 0, lastReturn: undefined, avg10: undefined, evalMean: undefined, evalStd: undefined }, true);
      p.update({ ...state, lastReturn: -1.5, avg10: -2 }, true);
      p.update(state, true);
      p.update({ ...state, lastReturn: -1234.56, avg10: -1100.2, evalMean: -1500.3, evalStd: 300.1 }, true);
      const widths = s.out.map(cells);
      expect(widths[0], `${cols} columns`).toBeGreaterThanOrEqual(10);
      expect(new Set(widths).size, `${cols} columns: ${widths.join(', ')}`).toBe(1);
      for (const line of s.out) expect(line.replace(/^\r/, '').replace(/\x1b\[K$/, '').length).toBeLessThanOrEqual(cols - 1);
    }
  });

  it('is resized when the terminal is', () => {
    const s = { ...sink(160), columns: 160 };
    const p = new Progress(s, 'bar');
    p.update(state, true);
    s.columns = 130;
    p.update(state, true);
    const [wide, narrow] = s.out.map(cells);
    expect(wide).toBe(30);
    expect(narrow).toBeLessThan(30);
    expect(narrow).toBeGreaterThanOrEqual(10);
  });
});
