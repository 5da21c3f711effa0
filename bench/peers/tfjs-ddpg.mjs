/**
 * The Keras "DDPG on Pendulum" update (keras-io examples/rl/ddpg_pendulum.py),
 * written with TF.js layers, as a TF.js user would write it. This is the peer
 * that ddpg-wasm's DDPG.update() is timed against.
 *
 *   actor   3 → 256 relu → 256 relu → 1 tanh, × 2 (Pendulum-v1's bound)
 *   critic  state 3 → 16 relu → 32 relu; action 1 → 32 relu;
 *           concat(64) → 256 relu → 256 relu → 1
 *   critic step: minimise mean (y − Q(s, a))², y = r + γ(1 − d)·Q′(s′, μ′(s′))
 *   actor step:  minimise −mean Q(s, μ(s)) through the just-updated critic
 *   targets:     θ′ ← τθ + (1 − τ)θ′ for both, τ = 0.005
 *   Adam 1e-3 (actor) / 2e-3 (critic), batch 64, γ = 0.99
 *
 * TF.js has no tf.function (no graph capture or XLA in the browser/Node JS
 * backends), so the closest to the notebook's compiled `@tf.function update` is
 * `optimizer.minimize(f, false, vars)`: one taped eager pass per loss,
 * gradients applied inside the optimizer, every intermediate freed by tidy.
 */
import * as tf from '@tensorflow/tfjs';

/** keras-io ddpg_pendulum.py: gamma, tau, critic_lr, actor_lr, batch_size, upper_bound. */
export const NOTEBOOK = Object.freeze({ gamma: 0.99, tau: 0.005, criticLr: 2e-3, actorLr: 1e-3, batch: 64, bound: 2 });

/** The notebook's last actor layer: `tf.random_uniform_initializer(minval=-0.003, maxval=0.003)`. */
const LAST_INIT = 3e-3;

// Layer names mirror ddpg-wasm's layout names ("layers.0", "branch1.0") with "_"
// for ".", so weights can be copied between the two for the equivalence check.
function buildActor(seed) {
  const s = tf.input({ shape: [3] });
  let h = tf.layers.dense({ units: 256, activation: 'relu', name: 'layers_0', kernelInitializer: tf.initializers.glorotUniform({ seed }) }).apply(s);
  h = tf.layers.dense({ units: 256, activation: 'relu', name: 'layers_1', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }).apply(h);
  const out = tf.layers.dense({
    units: 1, activation: 'tanh', name: 'layers_2',
    kernelInitializer: tf.initializers.randomUniform({ minval: -LAST_INIT, maxval: LAST_INIT, seed: seed + 2 }),
  }).apply(h);
  return tf.model({ inputs: s, outputs: out });
}

function buildCritic(seed) {
  const s = tf.input({ shape: [3] });
  const a = tf.input({ shape: [1] });
  const g = (k) => tf.initializers.glorotUniform({ seed: seed + k });
  let hs = tf.layers.dense({ units: 16, activation: 'relu', name: 'branch0_0', kernelInitializer: g(0) }).apply(s);
  hs = tf.layers.dense({ units: 32, activation: 'relu', name: 'branch0_1', kernelInitializer: g(1) }).apply(hs);
  const ha = tf.layers.dense({ units: 32, activation: 'relu', name: 'branch1_0', kernelInitializer: g(2) }).apply(a);
  let h = tf.layers.concatenate().apply([hs, ha]);
  h = tf.layers.dense({ units: 256, activation: 'relu', name: 'layers_0', kernelInitializer: g(3) }).apply(h);
  h = tf.layers.dense({ units: 256, activation: 'relu', name: 'layers_1', kernelInitializer: g(4) }).apply(h);
  const q = tf.layers.dense({ units: 1, name: 'layers_2', kernelInitializer: g(5) }).apply(h);
  return tf.model({ inputs: [s, a], outputs: q });
}

/** The four networks, two Adams and the update step, on the backend active when created. */
export class TfjsDDPG {
  /** @param {number} seed */
  constructor(seed = 0) {
    this.backend = tf.getBackend();
    this.actor = buildActor(seed);
    this.critic = buildCritic(seed + 10);
    this.actorTarget = buildActor(seed);
    this.criticTarget = buildCritic(seed + 10);
    // Notebook: target_actor.set_weights(actor_model.get_weights()), same for the critic.
    this.actorTarget.setWeights(this.actor.getWeights());
    this.criticTarget.setWeights(this.critic.getWeights());
    // tf.train.adam's default ε is the backend's (1e-7 for float32), as Keras's.
    this.actorOptim = tf.train.adam(NOTEBOOK.actorLr);
    this.criticOptim = tf.train.adam(NOTEBOOK.criticLr);
    this.actorVars = this.actor.trainableWeights.map((w) => w.read());
    this.criticVars = this.critic.trainableWeights.map((w) => w.read());
    /** [target variable, source variable] pairs for polyak averaging. */
    this.polyakPairs = [
      ...zipVars(this.actorTarget, this.actor),
      ...zipVars(this.criticTarget, this.critic),
    ];
  }

  /** μ(s) · bound, in a tidy (the caller disposes the result). */
  mu(model, s) {
    return tf.mul(model.apply(s, { training: true }), NOTEBOOK.bound);
  }

  /**
   * One update on a batch given as Float32Arrays (s, a, r, s2, d: N×3, N×1, N, N×3, N).
   * Uploading the batch is part of the step, as it is for a TF.js user.
   * Returns { criticLoss, actorLoss } as numbers (one read-back each, as a user logging them would).
   */
  update(batch, n = NOTEBOOK.batch) {
    const { gamma, tau } = NOTEBOOK;
    const s = tf.tensor2d(batch.obs.subarray(0, n * 3), [n, 3]);
    const a = tf.tensor2d(batch.action.subarray(0, n), [n, 1]);
    const r = tf.tensor2d(batch.reward.subarray(0, n), [n, 1]);
    const s2 = tf.tensor2d(batch.nextObs.subarray(0, n * 3), [n, 3]);
    const d = tf.tensor2d(batch.done.subarray(0, n), [n, 1]);
    // y = r + γ(1 − d)·Q′(s′, μ′(s′)), outside the tape (no gradient flows into the targets).
    const y = tf.tidy(() => {
      const qNext = this.criticTarget.apply([s2, this.mu(this.actorTarget, s2)], { training: true });
      return tf.add(r, tf.mul(tf.mul(tf.sub(1, d), gamma), qNext));
    });
    const criticLoss = this.criticOptim.minimize(() => {
      const q = this.critic.apply([s, a], { training: true });
      return tf.mean(tf.square(tf.sub(y, q)));
    }, true, this.criticVars);
    const actorLoss = this.actorOptim.minimize(() => {
      const q = this.critic.apply([s, this.mu(this.actor, s)], { training: true });
      return tf.neg(tf.mean(q));
    }, true, this.actorVars);
    // θ′ ← τθ + (1 − τ)θ′ (the notebook's update_target, one assign per variable).
    tf.tidy(() => {
      for (const [t, src] of this.polyakPairs) t.assign(tf.add(tf.mul(src, tau), tf.mul(t, 1 - tau)));
    });
    const out = { criticLoss: criticLoss.dataSync()[0], actorLoss: actorLoss.dataSync()[0] };
    tf.dispose([s, a, r, s2, d, y, criticLoss, actorLoss]);
    return out;
  }

  /** μ(s) for one observation (batch 1), read back to a number array. */
  act(obs) {
    return tf.tidy(() => this.mu(this.actor, tf.tensor2d(obs, [1, 3])).dataSync());
  }

  /**
   * Copies ddpg-wasm parameter blocks (layout table from Network.layout: W as
   * [fanIn, fanOut] row-major, the Keras kernel layout) into the four models.
   */
  loadFrom(ours) {
    copyInto(this.actor, ours.actor.layout, ours.actor.getParams());
    copyInto(this.critic, ours.critic.layout, ours.critic.getParams());
    copyInto(this.actorTarget, ours.actorTarget.layout, ours.actorTarget.getParams());
    copyInto(this.criticTarget, ours.criticTarget.layout, ours.criticTarget.getParams());
  }

  /** The model's parameters flattened in ddpg-wasm's layout (for comparison). */
  static paramsIn(model, layout, size) {
    const out = new Float32Array(size);
    for (const e of layout) {
      const [layer, kind] = splitName(e.name);
      const w = model.getLayer(layer).getWeights()[kind === 'W' ? 0 : 1];
      out.set(w.dataSync(), e.offset);
    }
    return out;
  }

  dispose() {
    for (const m of [this.actor, this.critic, this.actorTarget, this.criticTarget]) m.dispose();
    this.actorOptim.dispose();
    this.criticOptim.dispose();
  }
}

function zipVars(target, source) {
  const t = target.trainableWeights, s = source.trainableWeights;
  if (t.length !== s.length) throw new Error('target and source models differ');
  return t.map((w, i) => [w.read(), s[i].read()]);
}

/** "branch0.1.W" → ["branch0_1", "W"]. */
function splitName(name) {
  const i = name.lastIndexOf('.');
  return [name.slice(0, i).replace(/\./g, '_'), name.slice(i + 1)];
}

function copyInto(model, layout, params) {
  for (const e of layout) {
    const [layer, kind] = splitName(e.name);
    const l = model.getLayer(layer);
    const ws = l.getWeights();
    const n = e.shape.reduce((x, y) => x * y, 1);
    const t = tf.tensor(params.subarray(e.offset, e.offset + n), e.shape);
    ws[kind === 'W' ? 0 : 1] = t;
    l.setWeights(ws);
    t.dispose();
  }
}
