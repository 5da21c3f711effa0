/**
 * Inference only: a trained actor loaded from a policy (or full) checkpoint,
 * without any training code (no buffer, optimizer, environments or agents), for
 * browsers, serverless and edge functions. `act` at batch 1 allocates nothing
 * when given `out`.
 */
import { Arena, type Block } from '../kernels/arena.js';
import { createWasmKernels } from '../kernels/wasm.js';
import { decodeContainer, finiteNumberRecord } from '../agents/container.js';
import { stageObservation, writeAction } from '../agents/act.js';
import { Network } from '../nn/network.js';
import type { NetworkSpec } from '../nn/spec.js';
import type { TensorLayout } from '../nn/network.js';

interface Space { readonly low: readonly number[]; readonly high: readonly number[] }
interface Header {
  readonly format?: unknown;
  readonly kind?: unknown;
  readonly algo?: unknown;
  readonly env?: { readonly id: string; readonly observationSpace: Space; readonly actionSpace: Space; readonly options?: unknown };
  readonly actor?: { readonly spec: NetworkSpec; readonly layout: readonly TensorLayout[]; readonly size: number };
}

const refuse = (why: string): never => {
  throw new Error(`ddpg-wasm policy refused: ${why}`);
};

/** The stored env options: absent (null) or an object of finite numbers (the env's own constructor checks the values). */
function checkOptions(o: unknown): Readonly<Record<string, number>> | null {
  if (o === undefined) return null;
  return Object.freeze({ ...finiteNumberRecord(o, 'env.options', (why) => new Error(`ddpg-wasm policy refused: ${why}`)) });
}

export class Policy {
  /** Environment id the policy was trained on. */
  readonly envId: string;
  /**
   * The built-in environment's options stored with the file (e.g. Pendulum's g,
   * the time limit): `makeEnv(policy.envId, policy.envOptions ?? {})` rebuilds the
   * training physics. Null for a custom environment.
   */
  readonly envOptions: Readonly<Record<string, number>> | null;
  readonly algo: string;
  readonly observationSpace: Space;
  readonly actionSpace: Space;
  readonly obsDim: number;
  readonly actDim: number;
  private readonly net: Network;
  private readonly input: Block;

  private constructor(h: Required<Pick<Header, 'env' | 'actor'>> & { algo: string }, params: Float32Array) {
    this.envId = h.env.id;
    this.envOptions = checkOptions(h.env.options);
    this.algo = h.algo;
    this.observationSpace = h.env.observationSpace;
    this.actionSpace = h.env.actionSpace;
    this.obsDim = h.env.observationSpace.low.length;
    this.actDim = h.env.actionSpace.low.length;
    const arena = new Arena(createWasmKernels());
    this.net = new Network(arena, h.actor.spec, { maxBatch: 1, trainable: false, name: 'policy' });
    this.input = arena.alloc('policy.obs', this.obsDim);
    arena.commit();
    if (JSON.stringify(this.net.layout) !== JSON.stringify(h.actor.layout) || this.net.size !== params.length) {
      refuse('the actor layout does not match its spec');
    }
    this.net.setParams(params);
  }

  /** Reads a 'policy' or 'full' checkpoint of DDPG, TD3 or SAC (SAC files store its deterministic actor h·tanh(mean)). Requires init(). */
  static load(bytes: Uint8Array): Policy {
    const { header, blocks } = decodeContainer(bytes);
    const h = header as Header;
    if (h.format !== 'ddpg-wasm') refuse(`unknown format ${JSON.stringify(h.format)}`);
    if (typeof h.env?.id !== 'string' || !h.actor) refuse('the file has no actor or environment description');
    const params = blocks.get('actor');
    if (!(params instanceof Float32Array)) return refuse('the actor block is missing');
    // The actor must read exactly the observation and write exactly the action.
    const spec = h.actor!.spec, obsDim = h.env!.observationSpace?.low?.length, actDim = h.env!.actionSpace?.low?.length;
    const outWidth = spec?.layers?.[spec.layers.length - 1]?.units;
    if (!Array.isArray(spec?.inputs) || spec.inputs.length !== 1 || spec.inputs[0] !== obsDim || outWidth !== actDim) {
      refuse(`the actor (inputs ${JSON.stringify(spec?.inputs)}, output ${String(outWidth)}) does not match the spaces (obs ${String(obsDim)}, action ${String(actDim)})`);
    }
    return new Policy({ env: h.env!, actor: h.actor!, algo: String(h.algo) }, params);
  }

  /** μ(s) in environment units. Allocation-free when `out` (length actDim) is given. */
  act(obs: ArrayLike<number>, out?: Float32Array): Float32Array {
    const h = this.net.heap();
    const dst = stageObservation('Policy.act', obs, this.obsDim, h, this.input.ptr >> 2, this.actDim, out);
    return writeAction(this.net.forward(1, this.input.ptr).f32, dst, null, 0);
  }

}
