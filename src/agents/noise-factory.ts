/** Builds the exploration noise a config asks for (src/rl/noise.ts holds the processes). */
import { GaussianNoise, OrnsteinUhlenbeckNoise, type ActionNoise, type NoiseState } from '../rl/noise.js';
import type { Rng } from '../rng.js';
import type { ActionNoiseConfig } from './config.js';

export type { ActionNoise };

/** actionNoise: { type: 'none' } — μ(s) unperturbed. */
class NoNoise implements ActionNoise {
  constructor(readonly dim: number) {}
  sample(_rng: Rng, out: Float32Array): Float32Array {
    return out.fill(0);
  }
  reset(): void {}
  getState(): NoiseState {
    return { type: 'gaussian', x: [] };
  }
  setState(): void {}
}

/** @internal */
export function createNoise(c: { readonly actionNoise: ActionNoiseConfig }, dim: number): ActionNoise {
  const n = c.actionNoise;
  if (n.type === 'ou') return new OrnsteinUhlenbeckNoise({ dim, sigma: n.sigma, theta: n.theta, dt: n.dt });
  if (n.type === 'gaussian') return new GaussianNoise({ dim, sigma: n.sigma });
  return new NoNoise(dim);
}
