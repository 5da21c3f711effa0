export {
  box, boxContains, checkAction, checkPhysicalState, EpisodicEnv,
  type Box, type Env, type EnvOptions, type EnvSnapshot, type EpisodeStatus, type StepResult, type Transition,
} from './env.js';
export { angleNormalize, floorMod, Pendulum, type PendulumOptions } from './pendulum.js';
export { MountainCarContinuous, type MountainCarOptions } from './mountain-car.js';
export { ENV_IDS, isEnvId, makeEnv, type EnvId } from './make.js';
