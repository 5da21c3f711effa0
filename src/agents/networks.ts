/**
 * The network shapes TD3 and SAC share, as their authors' PyTorch code builds
 * them: ReLU MLPs with PyTorch's default nn.Linear init, and a critic Q(s, a)
 * on state and action concatenated at its input (Fujimoto et al. 2018, App. C;
 * Haarnoja et al. 2018b). DDPG's networks follow the Keras notebook instead
 * (ddpgNetworks in ddpg.ts).
 */
import type { DenseSpec, NetworkSpec } from '../nn/spec.js';

/** PyTorch's nn.Linear default init, U(±1/√fanIn) for W and b. */
export const TORCH_INIT = { kernelInit: 'fan-in-uniform', biasInit: 'fan-in-uniform' } as const;

const relu = (units: number): DenseSpec => ({ units, activation: 'relu', ...TORCH_INIT });

/** An actor on the state: `hidden` ReLU layers, then `output` (its init defaults to PyTorch's). */
export function torchActor(hidden: readonly number[], obsDim: number, output: DenseSpec): NetworkSpec {
  return { inputs: [obsDim], layers: [...hidden.map(relu), { ...output, ...TORCH_INIT }] };
}

/** A critic Q(s, a): state and action concatenated at the input, `hidden` ReLU layers, a linear 1-unit output. */
export function torchCritic(hidden: readonly number[], obsDim: number, actDim: number): NetworkSpec {
  return { inputs: [obsDim, actDim], layers: [...hidden.map(relu), { units: 1, ...TORCH_INIT }] };
}
