/**
 * `makeEnv(id)`: Gymnasium's `gymnasium.make` for the built-in environments,
 * with the registered time limits (Pendulum-v1: 200, MountainCarContinuous-v0: 999).
 */
import { type Env, normalizing } from './env.js';
import { MountainCarContinuous, type MountainCarOptions } from './mountain-car.js';
import { Pendulum, type PendulumOptions } from './pendulum.js';
import { showValue } from '../show.js';

/** The Gymnasium ids `makeEnv` knows. */
export const ENV_IDS = ['Pendulum-v1', 'MountainCarContinuous-v0'] as const;
export type EnvId = (typeof ENV_IDS)[number];

/** True for the ids `makeEnv` can build. */
export function isEnvId(id: unknown): id is EnvId {
  return (ENV_IDS as readonly unknown[]).includes(id);
}

export function makeEnv(id: 'Pendulum-v1', options?: PendulumOptions): Pendulum;
export function makeEnv(id: 'MountainCarContinuous-v0', options?: MountainCarOptions): MountainCarContinuous;
export function makeEnv(id: string, options?: PendulumOptions | MountainCarOptions): Env;
export function makeEnv(id: string, options: PendulumOptions | MountainCarOptions = {}): Env {
  if (typeof options !== 'object' || options === null) throw new TypeError(`makeEnv: options must be an object, got ${showValue(options)}`);
  const env = id === 'Pendulum-v1' ? new Pendulum(options) : id === 'MountainCarContinuous-v0' ? new MountainCarContinuous(options) : null;
  if (env === null) throw new RangeError(`makeEnv: unknown environment id ${showValue(id)}; known: ${ENV_IDS.join(', ')}`);
  // A misspelt option (say `gravity`) must not silently give the default physics.
  const known = ['seed', ...Object.keys(env.options)];
  for (const k of Object.keys(options)) {
    if (!known.includes(k)) throw new RangeError(`makeEnv: unknown option ${k} for ${id} (known: ${known.join(', ')})`);
  }
  return env;
}

/**
 * The options that rebuild a built-in `env` (`makeEnv(env.id, options)`: same
 * physics and time limit, fresh state), or null for an environment of your own.
 * Checkpoints store them, and learn()/evaluate() build their default evaluation
 * env from them.
 *
 * @internal
 */
export function builtinEnvOptions(env: Env): PendulumOptions | MountainCarOptions | null {
  const e = normalizing(env)?.env ?? env;
  return e instanceof Pendulum || e instanceof MountainCarContinuous ? e.options : null;
}
