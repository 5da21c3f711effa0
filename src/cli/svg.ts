/**
 * A small SVG writer for the learning curve (curve.svg in the run directory):
 * training return per episode, its moving average, evaluation means with ±std
 * error bars, labelled axes with "nice" ticks, a title and a legend; and for
 * `ddpg-wasm plot`'s overlay of runs (overlaySvg), in the same frame and style.
 * Plain strings, no dependencies; the output renders the same in browsers and rsvg.
 */

export interface CurvePoint {
  /** Environment steps at the end of the episode / at the evaluation. */
  readonly step: number;
  readonly value: number;
}

export interface EvalPoint {
  readonly step: number;
  readonly mean: number;
  readonly std: number;
}

export interface CurveData {
  readonly title: string;
  readonly subtitle?: string;
  readonly episodes: readonly CurvePoint[];
  readonly evals: readonly EvalPoint[];
  /** Moving-average window, in episodes. */
  readonly window: number;
  readonly xLabel?: string;
  readonly yLabel?: string;
}

export interface Ticks {
  /** The axis range (the data range plus margins). */
  readonly lo: number;
  readonly hi: number;
  readonly step: number;
  /** Tick positions inside [lo, hi]. */
  readonly values: readonly number[];
}

/**
 * Ticks at 1, 2 or 5 × 10^k (Heckbert, "Nice numbers for graph labels",
 * Graphics Gems 1990), about `target` of them, inside the axis range [lo, hi]
 * (an empty range is widened so that it shows something).
 */
export function niceTicks(lo: number, hi: number, target = 6): Ticks {
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    [lo, hi] = [lo - pad, hi + pad];
  }
  const raw = (hi - lo) / Math.max(1, target - 1);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  const step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
  const values: number[] = [];
  for (let i = Math.ceil(lo / step - 1e-9); i * step <= hi + step * 1e-9; i++) values.push(i === 0 ? 0 : i * step);
  return { lo, hi, step, values };
}

/** A tick label: as few decimals as the step needs, "k" for thousands, a true minus sign. */
export function formatTick(v: number, step: number): string {
  const k = Math.abs(step) >= 1000 && Math.abs(v) >= 1000;
  const x = k ? v / 1000 : v, s = k ? step / 1000 : step;
  const decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(s) + 1e-9)));
  const text = x.toFixed(decimals) + (k ? 'k' : '');
  return text.startsWith('-') ? `−${text.slice(1)}` : text;
}

/** Trailing moving average over up to `window` points (fewer at the start). */
export function movingAverage(values: readonly number[], window: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i]!;
    if (i >= window) sum -= values[i - window]!;
    out.push(sum / Math.min(i + 1, window));
  }
  return out;
}

export const escapeXml = (s: string): string =>
  s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

const r1 = (x: number): string => (Math.round(x * 10) / 10).toString();

// Layout, in SVG user units (px): the plot area sits inside these margins (the
// top one grows by LEGEND_ROW per extra legend row, and the picture with it).
const W = 800, H = 480;
const M = { left: 84, right: 28, top: 84, bottom: 64 };
const LEGEND_ROW = 20;
// Matplotlib's default "tab10" colours, so the picture reads like the usual RL plots.
const C = { episode: '#9ecae1', average: '#1f77b4', eval: '#d62728', grid: '#e5e5e5', axis: '#333333', text: '#222222' };
const TAB10 = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';
/** Above this many episodes the per-episode dots are dropped (they would blur into a band). */
const MAX_DOTS = 250;

interface Scale { readonly x: (v: number) => number; readonly y: (v: number) => number; readonly xt: Ticks; readonly yt: Ticks }

/** Data range plus a margin on both sides, so no point sits on the frame (matplotlib's axes.margins). */
const MARGIN = 0.04;

/** A legend entry: its mark (drawn around (0, 0), 22 px wide) and its label. */
type LegendItem = readonly [mark: string, label: string];

/** What every chart has: title, axis labels, legend; the plot area's data range. */
interface Frame {
  readonly title: string;
  readonly subtitle?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  readonly legend: readonly LegendItem[];
  readonly xs: readonly number[];
  readonly ys: readonly number[];
}

function scales(f: Frame, top: number): Scale {
  const xMax = Math.max(...f.xs, 1), yLo = f.ys.length > 0 ? Math.min(...f.ys) : 0, yHi = f.ys.length > 0 ? Math.max(...f.ys) : 1;
  const yPad = (yHi - yLo) * MARGIN;
  const xt = niceTicks(0, xMax * (1 + MARGIN / 2), 6);
  const yt = niceTicks(yLo - yPad, yHi + yPad, 6);
  const pw = W - M.left - M.right, ph = H - top - M.bottom;
  return {
    xt, yt,
    x: (v) => M.left + ((v - xt.lo) / (xt.hi - xt.lo)) * pw,
    y: (v) => top + ph - ((v - yt.lo) / (yt.hi - yt.lo)) * ph,
  };
}

function axes(s: Scale, f: Frame, h: number, top: number): string[] {
  const x0 = M.left, x1 = W - M.right, y0 = h - M.bottom, y1 = top;
  const out: string[] = [];
  for (const v of s.yt.values) {
    const y = r1(s.y(v));
    out.push(`<line x1="${x0}" y1="${y}" x2="${x1}" y2="${y}" stroke="${C.grid}"/>`);
    out.push(`<text x="${x0 - 8}" y="${y}" text-anchor="end" dominant-baseline="middle" font-size="12">${formatTick(v, s.yt.step)}</text>`);
  }
  for (const v of s.xt.values) {
    const x = r1(s.x(v));
    out.push(`<line x1="${x}" y1="${y1}" x2="${x}" y2="${y0}" stroke="${C.grid}"/>`);
    out.push(`<line x1="${x}" y1="${y0}" x2="${x}" y2="${y0 + 5}" stroke="${C.axis}"/>`);
    out.push(`<text x="${x}" y="${y0 + 20}" text-anchor="middle" font-size="12">${formatTick(v, s.xt.step)}</text>`);
  }
  out.push(`<path d="M${x0} ${y1}V${y0}H${x1}" fill="none" stroke="${C.axis}"/>`);
  const xl = escapeXml(f.xLabel ?? 'environment steps'), yl = escapeXml(f.yLabel ?? 'episode return');
  out.push(`<text x="${(x0 + x1) / 2}" y="${h - 18}" text-anchor="middle" font-size="13">${xl}</text>`);
  const cy = (y0 + y1) / 2;
  out.push(`<text transform="translate(22 ${cy}) rotate(-90)" text-anchor="middle" font-size="13">${yl}</text>`);
  return out;
}

/** Legend entries left to right above the plot, wrapping to more rows (≈ 6 px per character at 12 px). */
function legend(items: readonly LegendItem[]): { rows: number; svg: string[] } {
  let x = M.left, row = 0;
  const svg = items.map(([mark, label]) => {
    const w = 30 + label.length * 6;
    if (x > M.left && x + w > W - M.right) [x, row] = [M.left, row + 1];
    const g = `<g transform="translate(${x} ${M.top - 18 + row * LEGEND_ROW})">${mark}<text x="30" y="0" dominant-baseline="middle" font-size="12">${escapeXml(label)}</text></g>`;
    x += w + 28;
    return g;
  });
  return { rows: row + 1, svg };
}

/** A standalone SVG document: frame, axes, legend, and what `body` draws on the scales. */
function chart(f: Frame, body: (s: Scale) => string[]): string {
  const lg = legend(f.legend);
  const extra = (lg.rows - 1) * LEGEND_ROW, top = M.top + extra, h = H + extra;
  const s = scales(f, top);
  const title = `<text x="${M.left}" y="30" font-size="18" font-weight="600">${escapeXml(f.title)}</text>`;
  const sub = f.subtitle ? `<text x="${W - M.right}" y="30" text-anchor="end" font-size="12" fill="#666666">${escapeXml(f.subtitle)}</text>` : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" ${FONT} fill="${C.text}">`,
    `<rect width="${W}" height="${h}" fill="#ffffff"/>`,
    title, sub,
    ...axes(s, f, h, top),
    ...body(s),
    ...lg.svg,
    '</svg>',
  ].filter((l) => l !== '').join('\n') + '\n';
}

/** "x,y x,y …" of points on the scales. */
const points = (s: Scale, ps: readonly CurvePoint[]): string => ps.map((p) => `${r1(s.x(p.step))},${r1(s.y(p.value))}`).join(' ');

function series(s: Scale, d: CurveData): string[] {
  const out: string[] = [];
  const pts = (ps: readonly CurvePoint[]): string => points(s, ps);
  if (d.episodes.length > 0) {
    out.push(`<polyline points="${pts(d.episodes)}" fill="none" stroke="${C.episode}" stroke-width="1.2" stroke-linejoin="round"/>`);
    if (d.episodes.length <= MAX_DOTS) {
      out.push(`<g fill="${C.episode}">${d.episodes.map((p) => `<circle cx="${r1(s.x(p.step))}" cy="${r1(s.y(p.value))}" r="2.2"/>`).join('')}</g>`);
    }
    const avg = movingAverage(d.episodes.map((p) => p.value), d.window);
    const avgPts = d.episodes.map((p, i) => ({ step: p.step, value: avg[i]! }));
    out.push(`<polyline points="${pts(avgPts)}" fill="none" stroke="${C.average}" stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"/>`);
  }
  const bars = d.evals.map((e) => {
    const x = r1(s.x(e.step)), lo = r1(s.y(e.mean - e.std)), hi = r1(s.y(e.mean + e.std));
    const cap = (y: string): string => `M${r1(s.x(e.step) - 5)} ${y}H${r1(s.x(e.step) + 5)}`;
    return `<path d="M${x} ${lo}V${hi}${cap(lo)}${cap(hi)}" stroke="${C.eval}" stroke-width="1.5" fill="none"/>` +
      `<circle cx="${x}" cy="${r1(s.y(e.mean))}" r="4" fill="${C.eval}" stroke="#ffffff" stroke-width="1"/>`;
  });
  if (bars.length > 0) out.push(`<g>${bars.join('')}</g>`);
  if (d.episodes.length === 0 && d.evals.length === 0) out.push(noData(s, 'no finished episodes yet'));
  return out;
}

const noData = (s: Scale, text: string): string =>
  `<text x="${(M.left + W - M.right) / 2}" y="${r1((s.y(s.yt.lo) + s.y(s.yt.hi)) / 2)}" text-anchor="middle" font-size="14" fill="#888888">${text}</text>`;

/** The learning-curve picture as a standalone SVG document. */
export function learningCurveSvg(d: CurveData): string {
  return chart({
    ...d,
    xs: [...d.episodes.map((p) => p.step), ...d.evals.map((p) => p.step)],
    ys: [...d.episodes.map((p) => p.value), ...d.evals.flatMap((p) => [p.mean - p.std, p.mean + p.std])],
    legend: [
      [`<line x1="0" y1="0" x2="22" y2="0" stroke="${C.episode}" stroke-width="1.2"/><circle cx="11" cy="0" r="2.2" fill="${C.episode}"/>`, 'training return per episode'],
      [`<line x1="0" y1="0" x2="22" y2="0" stroke="${C.average}" stroke-width="2.5"/>`, `${d.window}-episode moving average`],
      [`<path d="M11 -6V6M6 -6H16M6 6H16" stroke="${C.eval}" stroke-width="1.5"/><circle cx="11" cy="0" r="4" fill="${C.eval}" stroke="#ffffff"/>`, 'evaluation mean ± std'],
    ],
  }, (s) => series(s, d));
}

/** One configuration of an overlay: its seeds' curves and the mean with its confidence band. */
export interface OverlaySeries {
  readonly label: string;
  readonly seeds: readonly (readonly CurvePoint[])[];
  /** The mean over seeds and its interval at each step. */
  readonly band: readonly { readonly step: number; readonly mean: number; readonly lo: number; readonly hi: number }[];
}

export interface OverlayData {
  readonly title: string;
  readonly subtitle?: string;
  readonly yLabel?: string;
  readonly series: readonly OverlaySeries[];
}

/**
 * Runs overlaid (`ddpg-wasm plot`): per configuration, in tab10 order, each
 * seed as a faint line (class "seed"), the interval as a translucent band
 * (class "band") and the mean as a line with dots (class "mean").
 */
export function overlaySvg(d: OverlayData): string {
  const colour = (i: number): string => TAB10[i % TAB10.length]!;
  const all = d.series.flatMap((c) => [...c.seeds.flat(), ...c.band.flatMap((b) => [{ step: b.step, value: b.lo }, { step: b.step, value: b.hi }])]);
  return chart({
    ...d,
    xs: all.map((p) => p.step),
    ys: all.map((p) => p.value),
    legend: d.series.map((c, i) => [
      `<rect x="0" y="-6" width="22" height="12" fill="${colour(i)}" fill-opacity="0.2"/><line x1="0" y1="0" x2="22" y2="0" stroke="${colour(i)}" stroke-width="2.5"/>`,
      `${c.label} (${c.seeds.length} seed${c.seeds.length === 1 ? '' : 's'})`,
    ]),
  }, (s) => {
    const out = d.series.flatMap((c, i) => {
      const k = colour(i), mean = c.band.map((b) => ({ step: b.step, value: b.mean }));
      const edge = [...c.band.map((b) => ({ step: b.step, value: b.hi })), ...c.band.map((b) => ({ step: b.step, value: b.lo })).reverse()];
      return [
        ...c.seeds.map((p) => `<polyline class="seed" points="${points(s, p)}" fill="none" stroke="${k}" stroke-opacity="0.3" stroke-width="1"/>`),
        `<polygon class="band" points="${points(s, edge)}" fill="${k}" fill-opacity="0.2" stroke="none"/>`,
        `<polyline class="mean" points="${points(s, mean)}" fill="none" stroke="${k}" stroke-width="2.5" stroke-linejoin="round"/>`,
        `<g fill="${k}">${mean.map((p) => `<circle cx="${r1(s.x(p.step))}" cy="${r1(s.y(p.value))}" r="3"/>`).join('')}</g>`,
      ];
    });
    return all.length > 0 ? out : [noData(s, 'no evaluations')];
  });
}
