/**
 * Inference only: a trained actor loaded from a policy (or full) checkpoint,
 * without any training code (no buffer, optimizer, environments or agents), for
 * browsers, serverless and edge functions. `act` at batch 1 allocates nothing
 * when given `out`.
 */
import { Arena, type Block } from '../kernels/arena.js';
import { policyKernels } from '../kernels/inference.js';
import { stageObservation, writeAction } from '../agents/act.js';
import { decodeContainer, finiteNumberRecord, type PolicyHeader, type SpaceJSON } from '../nn/container.js';
import { Network } from '../nn/network.js';
import { normalizeObs } from '../nn/normalize.js';

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
  readonly observationSpace: SpaceJSON;
  readonly actionSpace: SpaceJSON;
  readonly obsDim: number;
  readonly actDim: number;
  private readonly net: Network;
  private readonly input: Block;
  /** A NormalizeEnv's observation statistics (file format 3): mean, std, clip. */
  private readonly norm: readonly [Float32Array, Float32Array, number] | null;

  private constructor(h: PolicyHeader, params: Float32Array, norm: Policy['norm']) {
    this.norm = norm;
    this.envId = h.env.id;
    this.envOptions = checkOptions(h.env.options);
    this.algo = String(h.algo);
    this.observationSpace = h.env.observationSpace;
    this.actionSpace = h.env.actionSpace;
    this.obsDim = h.env.observationSpace.low.length;
    this.actDim = h.env.actionSpace.low.length;
    const arena = new Arena(policyKernels());
    this.net = new Network(arena, h.actor.spec, { maxBatch: 1, trainable: false, name: 'policy' });
    this.input = arena.alloc('policy.obs', this.obsDim);
    // Planned, not allocated yet: a spec claiming more than the file holds is refused before memory grows.
    if (JSON.stringify(this.net.layout) !== JSON.stringify(h.actor.layout) || this.net.size !== params.length) {
      throw new Error('ddpg-wasm policy refused: the actor layout does not match its spec');
    }
    arena.commit();
    this.net.setParams(params);
  }

  /** Reads a 'policy' or 'full' checkpoint of DDPG, TD3 or SAC (SAC files store its deterministic actor h·tanh(mean)). Requires init(). */
  static load(bytes: Uint8Array): Policy {
    const c = decodeContainer(bytes, 'policy', ['policy', 'full']);
    const h = c.header as Partial<PolicyHeader>;
    if (typeof h.env?.id !== 'string' || !h.actor) return c.refuse('the file has no actor or environment description');
    // The actor must read exactly the observation and write exactly the action.
    const spec = h.actor.spec, obsDim = h.env.observationSpace?.low?.length, actDim = h.env.actionSpace?.low?.length;
    const outWidth = spec?.layers?.[spec.layers.length - 1]?.units;
    if (!Array.isArray(spec?.inputs) || spec.inputs.length !== 1 || spec.inputs[0] !== obsDim || outWidth !== actDim) {
      c.refuse(`the actor (inputs ${JSON.stringify(spec?.inputs)}, output ${String(outWidth)}) does not match the spaces (obs ${String(obsDim)}, action ${String(actDim)})`);
    }
    const n = h.normalize as { obs?: unknown; clipObs?: unknown } | undefined;
    let norm: Policy['norm'] = null;
    if (n?.obs === true) {
      norm = [c.block('normalize.mean', 'f32', obsDim!), c.block('normalize.std', 'f32', obsDim!), n.clipObs as number];
      if (!(norm[2] > 0 && norm[1].every((s) => s > 0))) c.refuse('normalize.clipObs and std must be > 0');
    }
    return new Policy(c.header as PolicyHeader, c.block('actor', 'f32', h.actor.size), norm);
  }

  /**
   * μ(s) in environment units, for the env's own observation (a file of a
   * NormalizeEnv run normalizes it as the training env did). Allocation-free
   * when `out` (length actDim) is given.
   */
  act(obs: ArrayLike<number>, out?: Float32Array): Float32Array {
    const h = this.net.heap(), at = this.input.ptr >> 2, n = this.norm;
    const dst = stageObservation('Policy.act', obs, this.obsDim, h, at, this.actDim, out);
    if (n !== null) normalizeObs(h, at, n[0], n[1], n[2]);
    return writeAction(this.net.forward(1, this.input.ptr).f32, dst, null, 0);
  }

}
