/**
 * Training progress for people: a one-line bar redrawn in place on a terminal,
 * or plain periodic lines when the output is a file or a pipe (CI logs).
 */

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressState {
  readonly steps: number;
  /** Step budget of the whole run (an upper bound when the target is in episodes). */
  readonly totalSteps: number;
  readonly episodes: number;
  readonly totalEpisodes: number | undefined;
  /** Environment steps per second of wall time in this session. */
  readonly sps: number;
  readonly lastReturn: number | undefined;
  readonly avg10: number | undefined;
  readonly evalMean: number | undefined;
  readonly evalStd: number | undefined;
}

export type ProgressMode = 'bar' | 'lines' | 'off';

/** 75 → "1:15", 3725 → "1:02:05". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}

const fmt = (x: number | undefined, digits = 1): string => (x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));

/** The fields of a progress line, without the bar. */
export function progressFields(p: ProgressState): string[] {
  const ep = p.totalEpisodes === undefined ? `ep ${p.episodes}` : `ep ${p.episodes}/${p.totalEpisodes}`;
  const eta = p.sps > 0 ? formatDuration((p.totalSteps - p.steps) / p.sps) : '?';
  return [
    ep,
    `step ${p.steps}/${p.totalSteps}`,
    `${p.sps.toFixed(0)} steps/s`,
    `return ${fmt(p.lastReturn)}`,
    `avg10 ${fmt(p.avg10)}`,
    `eval ${p.evalMean === undefined ? '–' : `${fmt(p.evalMean)}±${fmt(p.evalStd)}`}`,
    `ETA ${eta}`,
  ];
}

/** Fraction done in [0, 1]: episodes when the target is in episodes, else steps. */
function fraction(p: ProgressState): number {
  const f = p.totalEpisodes !== undefined ? p.episodes / p.totalEpisodes : p.steps / p.totalSteps;
  return Math.min(1, Math.max(0, Number.isFinite(f) ? f : 0));
}

/** The text the bar is sized for: `p` at its end, with every field as wide as a Pendulum run's usually is. */
function barText(p: ProgressState): string {
  const wide = -1000, episodes = Math.max(p.episodes, p.totalEpisodes ?? 0);
  const fields = progressFields({ ...p, steps: p.totalSteps, episodes, sps: Math.max(p.sps, 9999), lastReturn: wide, avg10: wide, evalMean: wide, evalStd: 100 });
  return ` 100% ${[...fields.slice(0, -1), 'ETA 1:00:00'].join(' · ')}`;
}

/** Narrower terminals get the text alone (a usual line is about 105 characters). */
const MIN_BAR_COLS = 120;

// Redraw at most every 100 ms: smooth enough to watch, negligible next to a 3 ms update.
const REDRAW_MS = 100;

export class Progress {
  private lastDraw = -Infinity;
  private drawn = false;
  private barCols = -1;
  private barWidth = 0;

  constructor(private readonly out: ProgressStream, readonly mode: ProgressMode) {}

  /** True when a bar redraw is due (cheap: call it every step before building a state). */
  due(): boolean {
    return this.mode === 'bar' && performance.now() - this.lastDraw >= REDRAW_MS;
  }

  /** Redraws the bar (throttled unless `force`). No-op in 'lines' and 'off' modes. */
  update(p: ProgressState, force = false): void {
    if (this.mode !== 'bar') return;
    const t = performance.now();
    if (!force && t - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = t;
    // A pseudo-terminal may report 0 columns: assume a common 100.
    const cols = (this.out.columns !== undefined && this.out.columns > 0 ? this.out.columns : 100) - 1;
    const f = fraction(p);
    const text = ` ${(f * 100).toFixed(0).padStart(3)}% ${progressFields(p).join(' · ')}`;
    if (cols !== this.barCols) {
      // The bar keeps its width while the text changes (the eval field appearing, returns gaining digits):
      // it is sized once per terminal width, for the text of a wide but plausible state, 10 to 30 cells,
      // and left out below MIN_BAR_COLS (a text wider than planned is cut at the edge, as without a bar).
      this.barCols = cols;
      this.barWidth = cols + 1 >= MIN_BAR_COLS ? Math.min(30, Math.max(10, cols - barText(p).length - 2)) : 0;
    }
    const barWidth = this.barWidth;
    const full = Math.round(f * barWidth);
    const line = barWidth > 0 ? `[${'█'.repeat(full)}${'░'.repeat(barWidth - full)}]${text}` : text.trimStart();
    this.out.write(`\r${line.slice(0, cols)}\x1b[K`);
    this.drawn = true;
  }

  /** One plain progress line ('lines' mode only). */
  periodic(p: ProgressState): void {
    if (this.mode === 'lines') this.out.write(`${progressFields(p).join(' | ')}\n`);
  }

  /** A message line; on a terminal it goes above the bar. Suppressed in 'off' mode. */
  message(text: string): void {
    if (this.mode === 'off') return;
    this.clear();
    this.out.write(`${text}\n`);
  }

  /** Removes the bar, leaving the cursor at the start of an empty line. */
  clear(): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.drawn = false;
    this.lastDraw = -Infinity;
  }
}
