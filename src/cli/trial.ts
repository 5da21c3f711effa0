/**
 * One trial of a sweep (a configuration × a seed) as a `train` run in its own
 * run directory: fresh, or resumed from the directory's checkpoint. What the
 * local pool's worker threads run (sweep.ts), what `sweep --trial I` runs, and
 * what a queue worker runs for one chunk (queue.ts): a run is a pure function
 * of checkpoint and steps, so any of them continues any other bit-identically.
 */
import { existsSync, rmSync } from 'node:fs';
import { Progress } from './progress.js';
import { FILES, RunDir } from './run-dir.js';
import { runSettingsOf, type SweepSpec, type Trial, trialSetup } from './sweep-spec.js';
import { resumeSetupAt, type Setup } from './train-setup.js';
import { trainRun, trainSession } from './train.js';

/** True when the run directory holds a run that reached its target. */
export function complete(dir: RunDir): boolean {
  if (!existsSync(dir.file(FILES.summary))) return false;
  try {
    return dir.readRunInfo()?.status === 'complete';
  } catch {
    return false;
  }
}

/** A trial's run: resumed from its checkpoint when it has one, else fresh (a start without any save is discarded). */
function trialRun(spec: SweepSpec, trial: Trial, path: string): Setup {
  const dir = new RunDir(path);
  if (existsSync(dir.file(FILES.checkpoint))) return resumeSetupAt(dir.file(FILES.checkpoint), undefined, () => runSettingsOf(spec));
  for (const f of [FILES.metrics, FILES.summary, FILES.run]) rmSync(dir.file(f), { force: true });
  return trialSetup(spec, trial, path);
}

export interface TrialOptions {
  /** Aborting stops the trial after its current step and saves it as an interrupted run. */
  readonly stop?: AbortSignal | undefined;
  /** Called a few times a second with the trial's steps and the steps it started this call at. */
  readonly onSteps?: ((steps: number, start: number) => void) | undefined;
  /** Stop at this step, saved like a periodic checkpoint (a queue job's chunk); default: the target. */
  readonly until?: number | undefined;
}

/**
 * Trains one trial in `dir` to its end (or to `until`, or until `stop`
 * aborts). Throws what the run throws (a bad config point, a non-finite loss).
 * Returns true when the trial completed.
 */
export async function runTrial(spec: SweepSpec, trial: Trial, dir: string, options: TrialOptions = {}): Promise<boolean> {
  const { stop, onSteps } = options;
  const setup = trialRun(spec, trial, dir);
  const session = trainSession(setup, new Progress({ write: () => true }, 'off'), false);
  const abort = (): void => {
    session.signal = 'SIGINT';
    session.stop.abort();
  };
  if (stop?.aborted === true) abort();
  stop?.addEventListener('abort', abort);
  const start = setup.agent.loop.steps;
  const timer = onSteps === undefined ? undefined : setInterval(() => onSteps(setup.agent.loop.steps, start), 200);
  try {
    await trainRun(setup, session, undefined, options.until);
  } finally {
    clearInterval(timer);
    stop?.removeEventListener('abort', abort);
  }
  onSteps?.(setup.agent.loop.steps, start);
  return session.targetReached();
}
