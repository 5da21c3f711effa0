/**
 * A small SVG writer for the learning curve (curve.svg in the run directory):
 * training return per episode, its moving average, evaluation means with ±std
 * error bars, labelled axes with "nice" ticks, a title and a legend. Plain
 * strings, no dependencies; the output renders the same in browsers and rsvg.
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

// Layout, in SVG user units (px): the plot area sits inside these margins.
const W = 800, H = 480;
const M = { left: 84, right: 28, top: 84, bottom: 64 };
// Matplotlib's default "tab10" colours, so the picture reads like the usual RL plots.
const C = { episode: '#9ecae1', average: '#1f77b4', eval: '#d62728', grid: '#e5e5e5', axis: '#333333', text: '#222222' };
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"';
/** Above this many episodes the per-episode dots are dropped (they would blur into a band). */
const MAX_DOTS = 250;

interface Scale { readonly x: (v: number) => number; readonly y: (v: number) => number; readonly xt: Ticks; readonly yt: Ticks }

/** Data range plus a margin on both sides, so no point sits on the frame (matplotlib's axes.margins). */
const MARGIN = 0.04;

function scales(d: CurveData): Scale {
  const xs = [...d.episodes.map((p) => p.step), ...d.evals.map((p) => p.step)];
  const ys = [...d.episodes.map((p) => p.value), ...d.evals.flatMap((p) => [p.mean - p.std, p.mean + p.std])];
  const xMax = Math.max(...xs, 1), yLo = ys.length > 0 ? Math.min(...ys) : 0, yHi = ys.length > 0 ? Math.max(...ys) : 1;
  const yPad = (yHi - yLo) * MARGIN;
  const xt = niceTicks(0, xMax * (1 + MARGIN / 2), 6);
  const yt = niceTicks(yLo - yPad, yHi + yPad, 6);
  const pw = W - M.left - M.right, ph = H - M.top - M.bottom;
  return {
    xt, yt,
    x: (v) => M.left + ((v - xt.lo) / (xt.hi - xt.lo)) * pw,
    y: (v) => M.top + ph - ((v - yt.lo) / (yt.hi - yt.lo)) * ph,
  };
}

function axes(s: Scale, d: CurveData): string[] {
  const x0 = M.left, x1 = W - M.right, y0 = H - M.bottom, y1 = M.top;
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
  const xl = escapeXml(d.xLabel ?? 'environment steps'), yl = escapeXml(d.yLabel ?? 'episode return');
  out.push(`<text x="${(x0 + x1) / 2}" y="${H - 18}" text-anchor="middle" font-size="13">${xl}</text>`);
  const cy = (y0 + y1) / 2;
  out.push(`<text transform="translate(22 ${cy}) rotate(-90)" text-anchor="middle" font-size="13">${yl}</text>`);
  return out;
}

function series(s: Scale, d: CurveData): string[] {
  const out: string[] = [];
  const pts = (ps: readonly CurvePoint[]): string => ps.map((p) => `${r1(s.x(p.step))},${r1(s.y(p.value))}`).join(' ');
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
  if (d.episodes.length === 0 && d.evals.length === 0) {
    out.push(`<text x="${(M.left + W - M.right) / 2}" y="${(M.top + H - M.bottom) / 2}" text-anchor="middle" font-size="14" fill="#888888">no finished episodes yet</text>`);
  }
  return out;
}

function legend(d: CurveData): string[] {
  const items: [string, string][] = [
    [`<line x1="0" y1="0" x2="22" y2="0" stroke="${C.episode}" stroke-width="1.2"/><circle cx="11" cy="0" r="2.2" fill="${C.episode}"/>`, 'training return per episode'],
    [`<line x1="0" y1="0" x2="22" y2="0" stroke="${C.average}" stroke-width="2.5"/>`, `${d.window}-episode moving average`],
    [`<path d="M11 -6V6M6 -6H16M6 6H16" stroke="${C.eval}" stroke-width="1.5"/><circle cx="11" cy="0" r="4" fill="${C.eval}" stroke="#ffffff"/>`, 'evaluation mean ± std'],
  ];
  // Approximate text widths (≈ 6 px per character at 12 px) to space the entries.
  let x = M.left;
  return items.map(([mark, label]) => {
    const g = `<g transform="translate(${x} ${M.top - 18})">${mark}<text x="30" y="0" dominant-baseline="middle" font-size="12">${escapeXml(label)}</text></g>`;
    x += 30 + label.length * 6 + 28;
    return g;
  });
}

/** The learning-curve picture as a standalone SVG document. */
export function learningCurveSvg(d: CurveData): string {
  const s = scales(d);
  const title = `<text x="${M.left}" y="30" font-size="18" font-weight="600">${escapeXml(d.title)}</text>`;
  const sub = d.subtitle ? `<text x="${W - M.right}" y="30" text-anchor="end" font-size="12" fill="#666666">${escapeXml(d.subtitle)}</text>` : '';
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ${FONT} fill="${C.text}">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    title, sub,
    ...axes(s, d),
    ...series(s, d),
    ...legend(d),
    '</svg>',
  ].filter((l) => l !== '').join('\n') + '\n';
}
