/**
 * One training session of `train`: learn() in short chunks until the target or
 * a signal, the callbacks that append metrics.jsonl and drive the progress
 * display, and the timing (evaluations kept apart from training time).
 */
import type { EpisodeRecord, EvalRecord, LearnOptions } from '../agents/agent.js';
import { makeEnv } from '../envs/make.js';
import type { Progress, ProgressState } from './progress.js';
import { type EvalLine, FILES, type Timing } from './run-dir.js';
import type { CurvePoint } from './svg.js';
import type { Setup } from './train-setup.js';

/** Moving-average window of the progress line, summary and curve. */
export const AVG_WINDOW = 10;
/**
 * learn() runs synchronously between episode ends, so a Ctrl-C is only seen
 * when it yields; training in chunks of this many steps (≈ 0.3 s at 3.3 ms per
 * update) keeps the reaction quick. learn(a); learn(b) ≡ learn(a + b), so the
 * chunking changes no bit of the result.
 */
const CHUNK_STEPS = 100;
/** A plain progress line at least this often when not on a terminal. */
const LINE_EVERY_MS = 15_000;

export const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

/** One training session: the learn() callbacks, timing and the records it produced. */
export class Session {
  readonly stop = new AbortController();
  /** The signal that interrupted training, if any. */
  signal: NodeJS.Signals | null = null;
  /** (steps at the end, return) of every finished episode of the run, earlier sessions included. */
  readonly episodes: CurvePoint[];
  readonly evals: EvalLine[];
  private readonly s0: number;
  private readonly u0: number;
  private t0 = 0;
  private evalMs = 0;
  private lastStepAt = 0;
  private lastLineAt = 0;
  readonly stepBound: number;

  /** `save` writes a periodic checkpoint; it runs at every multiple of setup.saveEvery steps, between two chunks. */
  constructor(private readonly s: Setup, private readonly progress: Progress, private readonly verbose: boolean, private readonly save: () => void) {
    this.episodes = s.history.flatMap((l) => (l.type === 'episode' ? [{ step: l['time/total_timesteps'], value: l['rollout/ep_return'] }] : []));
    this.evals = s.history.filter((l): l is EvalLine => l.type === 'eval');
    this.s0 = s.agent.loop.steps;
    this.u0 = s.agent.loop.updates;
    const t = s.target;
    this.stepBound = 'steps' in t ? t.steps : t.episodes * s.agent.env.maxEpisodeSteps;
  }

  /** The run reached its --steps/--episodes target. */
  targetReached(): boolean {
    const t = this.s.target, loop = this.s.agent.loop;
    return loop.steps >= this.stepBound || ('episodes' in t && loop.episodes >= t.episodes);
  }

  private done(): boolean {
    return this.stop.signal.aborted || this.targetReached();
  }

  /**
   * Trains until the target, an abort, or `until` steps (a queue job's chunk:
   * the state at `until` is saved like a periodic checkpoint, and the run
   * continues from it bit-identically).
   */
  async run(until = Infinity): Promise<void> {
    const opts: LearnOptions = {
      onStep: this.onStep, onEpisode: this.onEpisode, onEval: this.onEval, signal: this.stop.signal,
      // SB3's EvalCallback: the policy of the best periodic evaluation so far (its value is in the checkpoint, so resume keeps it).
      onNewBest: (_r, policy) => this.s.dir.writeAtomic(FILES.best, policy),
      evalEvery: this.s.evalEvery, evalEpisodes: this.s.evalEpisodes, evalEnv: makeEnv(this.s.env),
    };
    this.t0 = this.lastStepAt = this.lastLineAt = performance.now();
    const every = this.s.saveEvery, loop = this.s.agent.loop;
    while (!this.done() && loop.steps < until) {
      // Chunks end on every save point, so a checkpoint holds the state after exactly k·saveEvery steps.
      const toSave = every > 0 ? every - (loop.steps % every) : Infinity;
      await this.s.agent.learn(Math.min(CHUNK_STEPS, toSave, this.stepBound - loop.steps, until - loop.steps), opts);
      if (((every > 0 && loop.steps % every === 0) || loop.steps >= until) && !this.done()) this.save();
      await new Promise<void>((r) => setImmediate(r));
    }
    this.progress.update(this.state(), true);
    this.progress.clear();
  }

  private readonly onStep = (): void => {
    this.lastStepAt = performance.now();
    if (this.progress.mode === 'bar' && this.progress.due()) this.progress.update(this.state());
  };

  private readonly onEpisode = (r: EpisodeRecord): void => {
    const rec = { type: 'episode', ...r, 'time/sps': this.trainSps() } as const;
    this.s.dir.appendMetric(rec);
    this.episodes.push({ step: r['time/total_timesteps'], value: r['rollout/ep_return'] });
    const t = this.s.target;
    if ('episodes' in t && r['time/episodes'] >= t.episodes) this.stop.abort();
    const now = performance.now();
    if (r['time/episodes'] % AVG_WINDOW === 0 || now - this.lastLineAt >= LINE_EVERY_MS) {
      this.lastLineAt = now;
      this.progress.periodic(this.state(r['time/episodes']));
    }
    this.progress.update(this.state(r['time/episodes']), true);
  };

  private readonly onEval = (r: EvalRecord): void => {
    // The evaluation ran right after the last step's callbacks.
    this.evalMs += performance.now() - this.lastStepAt;
    const rec: EvalLine = { type: 'eval', ...r };
    this.s.dir.appendMetric(rec);
    this.evals.push(rec);
    if (this.verbose || this.progress.mode === 'lines') {
      this.lastLineAt = performance.now();
      this.progress.message(`eval at step ${r['time/total_timesteps']}: ${r['eval/mean_return'].toFixed(1)} ± ${r['eval/std_return'].toFixed(1)}`);
    }
  };

  /** Returns of the last AVG_WINDOW episodes. */
  lastReturns(): number[] {
    return this.episodes.slice(-AVG_WINDOW).map((p) => p.value);
  }

  private trainSps(): number {
    const sec = this.sessionTiming().trainSeconds;
    return sec > 0 ? (this.s.agent.loop.steps - this.s0) / sec : 0;
  }

  /** `episodes`: finished episodes (onEpisode runs before the loop counts the one just ended). */
  state(episodes = this.s.agent.loop.episodes): ProgressState {
    const loop = this.s.agent.loop, t = this.s.target;
    const wall = (performance.now() - this.t0) / 1000;
    const lastEval = this.evals[this.evals.length - 1];
    const last = this.lastReturns();
    return {
      steps: loop.steps, totalSteps: this.stepBound, episodes,
      totalEpisodes: 'episodes' in t ? t.episodes : undefined,
      sps: wall > 0 ? (loop.steps - this.s0) / wall : 0,
      lastReturn: last[last.length - 1], avg10: last.length > 0 ? mean(last) : undefined,
      evalMean: lastEval?.['eval/mean_return'], evalStd: lastEval?.['eval/std_return'],
    };
  }

  /** This session alone. */
  sessionTiming(): Timing {
    const wall = this.t0 > 0 ? (performance.now() - this.t0) / 1000 : 0;
    const loop = this.s.agent.loop;
    return { wallSeconds: wall, trainSeconds: wall - this.evalMs / 1000, steps: loop.steps - this.s0, updates: loop.updates - this.u0 };
  }
}
