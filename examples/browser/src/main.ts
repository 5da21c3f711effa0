/**
 * The page: sends commands to the training worker, animates the latest episode
 * of the pendulum and draws the learning curve. Nothing here compiles wasm or
 * trains; the worker (worker.ts) does, off the main thread.
 */
import type { Command, Report } from './protocol.js';

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const ui = {
  seed: $<HTMLInputElement>('seed'), steps: $<HTMLInputElement>('steps'),
  start: $<HTMLButtonElement>('start'), pause: $<HTMLButtonElement>('pause'),
  reset: $<HTMLButtonElement>('reset'), download: $<HTMLButtonElement>('download'),
  status: $('status'), replay: $('replay-label'),
  pendulum: $<HTMLCanvasElement>('pendulum'), curve: $<HTMLCanvasElement>('curve'),
  steps_: $('stat-steps'), episodes: $('stat-episodes'), ret: $('stat-return'), mean: $('stat-mean'),
  evaluation: $('stat-eval'), sps: $('stat-sps'), hash: $('hash'), hash2000: $('hash2000'), threads: $('threads'),
};

/** Episodes shown in the moving average (SB3's ep_info_buffer is 100; 10 follows the notebook's plot). */
const AVG_WINDOW = 10;
/** Replay speed: Pendulum-v1 runs at dt = 0.05 s (20 steps/s); 3× = 60 steps/s, one step per frame at 60 Hz. */
const REPLAY_STEPS_PER_SECOND = 60;

/** What the page knows; also on `window.demo` for the Playwright test. */
const state = {
  ready: false, running: false, finished: false, seed: 7, steps: 0,
  returns: [] as number[], means: [] as number[], hash: '', hash2000: '',
  /** Threads training uses, and why only 1 (worker.ts's setup()). */
  threads: 0, threadsReason: null as string | null,
  evals: [] as { episodes: number; mean: number; std: number }[],
  /** Where the last drawCurve() put the plot and the legend (see curveLayout). */
  layout: null as null | CurveLayout,
  playing: null as null | { episode: number; ret: number; traj: Float32Array; t0: number },
  next: null as null | { episode: number; ret: number; traj: Float32Array },
};
(window as unknown as { demo: typeof state }).demo = state;

const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const send = (c: Command): void => worker.postMessage(c);

/**
 * Reads an integer field within its min and max attributes (the seed's are the
 * library's range, [0, 2^53 − 1]), or shows why not next to it and returns null.
 */
function readInt(input: HTMLInputElement, name: string): number | null {
  const v = Number(input.value), min = Number(input.min), max = Number(input.max);
  const ok = input.value.trim() !== '' && Number.isSafeInteger(v) && v >= min && v <= max;
  $(`${input.id}-error`).textContent = ok ? '' : `${name} must be an integer from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}`;
  input.setAttribute('aria-invalid', String(!ok));
  return ok ? v : null;
}
const readSeed = (): number | null => readInt(ui.seed, 'Seed');
const readSteps = (): number | null => readInt(ui.steps, 'Steps');

function refreshButtons(): void {
  ui.start.disabled = !state.ready || state.running;
  ui.pause.disabled = !state.running;
  ui.reset.disabled = !state.ready;
  ui.download.disabled = !state.ready;
  ui.start.textContent = state.steps > 0 && !state.finished && !state.running ? '▶ Resume' : '▶ Start';
  ui.status.className = 'status' + (state.running ? ' running' : '');
  ui.status.textContent = !state.ready ? 'loading…' : state.running ? `training (seed ${state.seed})…`
    : state.finished ? `finished ${state.steps.toLocaleString('en')} steps` : state.steps > 0 ? 'paused' : `ready (seed ${state.seed})`;
}

const fmt = (x: number): string => (Number.isFinite(x) ? x.toFixed(1) : '–');

worker.onmessage = (e: MessageEvent<Report>) => {
  const m = e.data;
  switch (m.type) {
    case 'ready':
      Object.assign(state, { ready: true, seed: m.seed, steps: 0, returns: [], means: [], evals: [], hash: m.hash, hash2000: '', playing: null, next: null });
      Object.assign(state, { threads: m.threads, threadsReason: m.threadsReason });
      ui.threads.textContent = m.threads > 1
        ? `Training on ${m.threads} threads (the worker and ${m.threads - 1} helper${m.threads > 2 ? 's' : ''}; the same bits as one thread).`
        : `Training on 1 thread: ${m.threadsReason ?? 'one was asked for'}.`;
      ui.hash.textContent = m.hash;
      ui.hash2000.textContent = '–';
      for (const el of [ui.steps_, ui.episodes]) el.textContent = '0';
      for (const el of [ui.ret, ui.mean, ui.evaluation, ui.sps]) el.textContent = '–';
      ui.replay.textContent = 'waiting for the first episode';
      drawCurve();
      break;
    case 'state':
      Object.assign(state, { running: m.running, steps: m.steps, finished: m.finished });
      break;
    case 'episode': {
      state.returns.push(m.return);
      const last = state.returns.slice(-AVG_WINDOW);
      state.means.push(last.reduce((s, x) => s + x, 0) / last.length);
      state.steps = m.steps;
      state.hash = m.hash;
      state.next = { episode: m.episode, ret: m.return, traj: m.trajectory };
      ui.steps_.textContent = m.steps.toLocaleString('en');
      ui.episodes.textContent = String(m.episode);
      ui.ret.textContent = fmt(m.return);
      ui.mean.textContent = fmt(state.means[state.means.length - 1]!);
      ui.sps.textContent = Math.round(m.sps).toLocaleString('en');
      ui.hash.textContent = m.hash;
      drawCurve();
      break;
    }
    case 'eval':
      state.evals.push({ episodes: m.episodes, mean: m.mean, std: m.std });
      ui.evaluation.textContent = `${m.mean.toFixed(0)} ± ${m.std.toFixed(0)}`;
      drawCurve();
      break;
    case 'checkpoint':
      if (m.steps === 2000) {
        state.hash2000 = m.hash;
        ui.hash2000.textContent = m.hash;
      }
      break;
    case 'policy': {
      const url = URL.createObjectURL(new Blob([m.bytes], { type: 'application/octet-stream' }));
      const a = Object.assign(document.createElement('a'), { href: url, download: m.name });
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      break;
    }
    case 'error':
      ui.status.textContent = `error: ${m.message}`;
      return;
  }
  refreshButtons();
};

ui.start.onclick = () => {
  // Resuming keeps the agent's seed; a fresh start takes the form's.
  const totalSteps = readSteps(), seed = state.steps > 0 ? state.seed : readSeed();
  if (totalSteps !== null && seed !== null) send({ type: 'start', seed, totalSteps });
};
ui.pause.onclick = () => send({ type: 'pause' });
ui.reset.onclick = () => {
  const seed = readSeed();
  if (seed !== null) send({ type: 'reset', seed });
};
// No validation on 'change': it fires on the mousedown that blurs the field, and hiding
// the error then would move the buttons away from under the pointer before the click.
ui.download.onclick = () => send({ type: 'download' });

/** Sizes a canvas's backing store to its CSS size × devicePixelRatio; returns the 2D context in CSS pixels. */
function context(c: HTMLCanvasElement): { g: CanvasRenderingContext2D; w: number; h: number } {
  const dpr = window.devicePixelRatio || 1;
  const w = c.clientWidth, h = c.clientHeight;
  if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
    c.width = Math.round(w * dpr);
    c.height = Math.round(h * dpr);
  }
  const g = c.getContext('2d')!;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { g, w, h };
}

const css = (name: string): string => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

type Swatch = 'dot' | 'line' | 'eval' | 'reference';
/** The curve's legend, drawn above the plot: no data point can cover it. */
const LEGEND: readonly (readonly [Swatch, string])[] = [
  ['dot', 'training episode'],
  ['line', `mean of last ${AVG_WINDOW}`],
  ['eval', 'evaluation (mean ± std)'],
  // A policy that swings up and balances scores about −150 per episode (the notebook's plot).
  ['reference', 'swung up ≈ −150'],
];
const SWATCH = 26, ROW = 20;

interface Box { x: number; y: number; w: number; h: number }
interface CurveLayout { width: number; height: number; plot: Box; legend: (Box & { swatch: Swatch; text: string })[] }

/**
 * Where the curve's parts go on a w × h canvas (CSS px): the legend flows in
 * rows across the top, the tick labels left of and below the plot, and the
 * data are clipped to the plot, so no label is ever drawn over.
 */
function curveLayout(w: number, h: number, textWidth: (s: string) => number): CurveLayout {
  const legend: CurveLayout['legend'] = [];
  let x = 8, y = 6;
  for (const [swatch, text] of LEGEND) {
    const bw = SWATCH + textWidth(text);
    if (x > 8 && x + bw > w - 8) {
      x = 8;
      y += ROW;
    }
    legend.push({ x, y, w: bw, h: ROW, swatch, text });
    x += bw + 16;
  }
  const top = y + ROW + 10, left = 52, bottom = 38;
  return { width: w, height: h, plot: { x: left, y: top, w: w - left - 14, h: h - top - bottom }, legend };
}

const MEAN_COLOR = '--accent2', EVAL_COLOR = '--accent', DOT_COLOR = 'rgba(139, 151, 176, 0.75)', REF_COLOR = 'rgba(123, 216, 143, 0.75)';

/** A legend entry's sample, 20 px wide, vertically centred on y. */
function drawSwatch(g: CanvasRenderingContext2D, swatch: Swatch, x: number, y: number): void {
  g.lineWidth = 2;
  g.beginPath();
  switch (swatch) {
    case 'dot':
      g.fillStyle = DOT_COLOR; g.arc(x + 10, y, 3, 0, 2 * Math.PI); g.fill();
      return;
    case 'line':
      g.strokeStyle = css(MEAN_COLOR); g.moveTo(x, y); g.lineTo(x + 20, y); g.stroke();
      return;
    case 'eval':
      g.strokeStyle = css(EVAL_COLOR); g.moveTo(x + 10, y - 6); g.lineTo(x + 10, y + 6); g.stroke();
      evalDot(g, x + 10, y);
      return;
    case 'reference':
      g.strokeStyle = REF_COLOR; g.setLineDash([5, 4]); g.moveTo(x, y); g.lineTo(x + 20, y); g.stroke(); g.setLineDash([]);
      return;
  }
}

function evalDot(g: CanvasRenderingContext2D, x: number, y: number): void {
  g.fillStyle = css(EVAL_COLOR); g.strokeStyle = css('--card'); g.lineWidth = 1.5;
  g.beginPath(); g.arc(x, y, 4.5, 0, 2 * Math.PI); g.fill(); g.stroke();
}

function drawCurve(): void {
  const { g, w, h } = context(ui.curve);
  g.font = '12px system-ui, sans-serif';
  const L = (state.layout = curveLayout(w, h, (s) => g.measureText(s).width)), p = L.plot;
  g.clearRect(0, 0, w, h);
  g.textBaseline = 'middle'; g.textAlign = 'left';
  for (const b of L.legend) {
    drawSwatch(g, b.swatch, b.x, b.y + b.h / 2);
    g.fillStyle = css('--muted'); g.fillText(b.text, b.x + SWATCH, b.y + b.h / 2);
  }
  const n = state.returns.length;
  const xMax = Math.max(20, Math.ceil(n / 20) * 20);
  // Pendulum-v1 returns lie in [−16.27·200, 0]; random play gives about −1200 ± 300.
  const lows = [0, ...state.returns, ...state.evals.map((e) => e.mean - e.std)];
  const yMin = Math.min(-1800, Math.floor(Math.min(...lows) / 400) * 400), yMax = 0;
  const X = (i: number): number => p.x + (p.w * i) / xMax;
  const Y = (v: number): number => p.y + (p.h * (yMax - v)) / (yMax - yMin);
  g.lineWidth = 1;
  for (let v = yMax; v >= yMin; v -= 400) {
    g.strokeStyle = '#1e2a44';
    g.beginPath(); g.moveTo(p.x, Y(v)); g.lineTo(p.x + p.w, Y(v)); g.stroke();
    g.fillStyle = css('--muted'); g.textAlign = 'right';
    g.fillText(String(v), p.x - 8, Y(v));
  }
  const xStep = xMax <= 40 ? 5 : xMax <= 100 ? 10 : 20 * Math.ceil(xMax / 200);
  g.textAlign = 'center'; g.textBaseline = 'top';
  for (let i = 0; i <= xMax; i += xStep) g.fillText(String(i), X(i), p.y + p.h + 6);
  g.fillText('training episode (200 steps)', p.x + p.w / 2, p.y + p.h + 22);
  g.save();
  g.beginPath(); g.rect(p.x, p.y, p.w, p.h); g.clip();
  g.strokeStyle = REF_COLOR; g.setLineDash([6, 6]);
  g.beginPath(); g.moveTo(p.x, Y(-150)); g.lineTo(p.x + p.w, Y(-150)); g.stroke(); g.setLineDash([]);
  if (n === 0) {
    g.fillStyle = css('--muted'); g.textBaseline = 'middle';
    g.fillText('press Start: a point per episode appears here', p.x + p.w / 2, p.y + p.h / 2);
  }
  g.fillStyle = DOT_COLOR;
  for (let i = 0; i < n; i++) {
    g.beginPath(); g.arc(X(i + 1), Y(state.returns[i]!), 2.6, 0, 2 * Math.PI); g.fill();
  }
  g.strokeStyle = css(MEAN_COLOR); g.lineWidth = 2.5; g.lineJoin = 'round';
  g.beginPath();
  state.means.forEach((v, i) => (i === 0 ? g.moveTo(X(i + 1), Y(v)) : g.lineTo(X(i + 1), Y(v))));
  g.stroke();
  for (const e of state.evals) {
    g.strokeStyle = css(EVAL_COLOR); g.lineWidth = 2;
    g.beginPath(); g.moveTo(X(e.episodes), Y(e.mean - e.std)); g.lineTo(X(e.episodes), Y(e.mean + e.std)); g.stroke();
    evalDot(g, X(e.episodes), Y(e.mean));
  }
  g.restore();
}

/** Gymnasium's picture: θ = 0 is upright, counter-clockwise positive; the arc shows the torque. */
function drawPendulum(now: number): void {
  const { g, w, h } = context(ui.pendulum);
  g.clearRect(0, 0, w, h);
  const cx = w / 2, cy = h / 2, L = Math.min(w, h) * 0.36;
  let theta = Math.PI, u = 0;
  if (state.playing === null || (state.next !== null && now - state.playing.t0 > (1000 * state.playing.traj.length) / 2 / REPLAY_STEPS_PER_SECOND)) {
    if (state.next !== null) {
      state.playing = { ...state.next, t0: now };
      state.next = null;
      ui.replay.textContent = `training episode ${state.playing.episode} · return ${state.playing.ret.toFixed(0)} · replay 3×`;
    }
  }
  const p = state.playing;
  if (p !== null) {
    const steps = p.traj.length / 2;
    const k = Math.min(steps - 1, Math.floor(((now - p.t0) / 1000) * REPLAY_STEPS_PER_SECOND));
    theta = p.traj[2 * k]!;
    u = p.traj[2 * k + 1]!;
  }
  // the upright target
  g.setLineDash([4, 6]); g.strokeStyle = '#2c3a5c'; g.lineWidth = 1.5;
  g.beginPath(); g.moveTo(cx, cy); g.lineTo(cx, cy - L - 18); g.stroke(); g.setLineDash([]);
  g.strokeStyle = '#1c2640'; g.beginPath(); g.arc(cx, cy, L, 0, 2 * Math.PI); g.stroke();
  // torque arc: length ∝ |u| (max 2 N·m), arrow head in the direction of the torque
  if (u !== 0) {
    const span = (Math.abs(u) / 2) * Math.PI * 0.9, r = L * 0.32, ccw = u > 0;
    const a0 = -Math.PI / 2, a1 = ccw ? a0 - span : a0 + span;
    g.strokeStyle = css('--accent2'); g.lineWidth = 4; g.lineCap = 'round';
    g.beginPath(); g.arc(cx, cy, r, a0, a1, ccw); g.stroke();
    const hx = cx + r * Math.cos(a1), hy = cy + r * Math.sin(a1), dir = a1 + (ccw ? -Math.PI / 2 : Math.PI / 2);
    g.fillStyle = css('--accent2'); g.beginPath();
    g.moveTo(hx + 9 * Math.cos(dir), hy + 9 * Math.sin(dir));
    g.lineTo(hx + 7 * Math.cos(dir + 2.3), hy + 7 * Math.sin(dir + 2.3));
    g.lineTo(hx + 7 * Math.cos(dir - 2.3), hy + 7 * Math.sin(dir - 2.3));
    g.closePath(); g.fill();
  }
  // rod and bob
  const ex = cx - L * Math.sin(theta), ey = cy - L * Math.cos(theta);
  const grad = g.createLinearGradient(cx, cy, ex, ey);
  grad.addColorStop(0, '#c2571a'); grad.addColorStop(1, css('--accent'));
  g.strokeStyle = grad; g.lineWidth = 16; g.lineCap = 'round';
  g.beginPath(); g.moveTo(cx, cy); g.lineTo(ex, ey); g.stroke();
  g.fillStyle = '#0b1020'; g.beginPath(); g.arc(cx, cy, 6, 0, 2 * Math.PI); g.fill();
  g.strokeStyle = '#e6ebf5'; g.lineWidth = 2; g.stroke();
  g.fillStyle = css('--muted'); g.font = '12px system-ui, sans-serif'; g.textAlign = 'left'; g.textBaseline = 'top';
  g.fillText(`θ ${(((theta + Math.PI) % (2 * Math.PI) + 2 * Math.PI) % (2 * Math.PI) - Math.PI).toFixed(2)} rad   torque ${u.toFixed(2)} N·m`, 10, h - 22);
}

function frame(now: number): void {
  drawPendulum(now);
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);
drawCurve();
window.addEventListener('resize', drawCurve);
refreshButtons();
