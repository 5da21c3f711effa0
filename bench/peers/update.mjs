/**
 * One DDPG update (batch 64, the notebook's networks), ddpg-wasm vs TF.js wasm
 * vs TF.js cpu, in one process. Contenders alternate in rounds (the order
 * rotates every round) so that a neighbour's load on the shared machine hits
 * all of them alike; each update is timed on its own and the medians are
 * compared. Before timing, an equivalence check copies ddpg-wasm's initial
 * weights into the TF.js models and runs one update of each on the same batch.
 */
import { TfjsDDPG, NOTEBOOK } from './tfjs-ddpg.mjs';
import { batchArrays, fillBuffer, median, quantile, sig, table } from './common.mjs';

/** Transitions in the buffer before timing (the notebook updates from step 1; any fill works). */
const FILL = 2000;

/**
 * `threads`: also time ours with initThreads(threads) (`threadsWasm`: the bytes of
 * kernels-threads.wasm). `torch`: a started bench/peers/torch.mjs harness, also timed
 * and checked.
 * @param {{ ours: any, tf: any, rounds?: number, roundMs?: number, backends?: string[], threads?: number, threadsWasm?: Uint8Array, torch?: any }} o
 * @returns {Promise<{ markdown: string, data: object }>}
 */
export async function runUpdate({ ours, tf, rounds = 10, roundMs = 300, backends = ['wasm', 'cpu'], threads = 1, threadsWasm, torch }) {
  const env = ours.makeEnv('Pendulum-v1');
  const agent = new ours.DDPG(env, { preset: 'keras', seed: 0 });
  fillBuffer(ours, agent.buffer, FILL);

  const check = [];
  for (const b of backends) check.push(await equivalence(ours, tf, b));
  if (torch) check.push(await torchEquivalence(ours, torch));

  const contenders = [{ name: 'ddpg-wasm', backend: null, step: () => agent.update() }];
  if (threads > 1) {
    // Agents made after initThreads split their large kernel calls (same bits); `agent` keeps one thread.
    const info = await ours.initThreads(threads, threadsWasm);
    if (info.threads !== threads) throw new Error(`initThreads(${threads}) gave ${info.threads}: ${info.reason}`);
    const agentT = new ours.DDPG(ours.makeEnv('Pendulum-v1'), { preset: 'keras', seed: 0 });
    fillBuffer(ours, agentT.buffer, FILL);
    contenders.push({ name: `ddpg-wasm, ${threads} threads`, backend: null, step: () => agentT.update() });
  }
  if (torch) contenders.push({ name: 'PyTorch, 1 thread', backend: null, round: torch.round });
  for (const b of backends) {
    await tf.setBackend(b);
    const peer = new TfjsDDPG(1);
    const rng = new ours.Rng(3, `tfjs-${b}`), batch = batchArrays(NOTEBOOK.batch);
    contenders.push({
      name: `TF.js ${b}`, backend: b, peer,
      step: () => { agent.buffer.sample(NOTEBOOK.batch, rng, batch); peer.update(batch); },
    });
  }

  // Warm-up: V8 tiers up the JS, TF.js fills its kernel and memory caches.
  for (const c of contenders) {
    if (c.backend) await tf.setBackend(c.backend);
    if (c.round) await c.round(roundMs);
    else for (const t0 = performance.now(); performance.now() - t0 < roundMs;) c.step();
  }
  const tensors0 = tf.memory().numTensors;

  const samples = new Map(contenders.map((c) => [c.name, []]));
  const roundMedians = new Map(contenders.map((c) => [c.name, []]));
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < contenders.length; k++) {
      const c = contenders[(r + k) % contenders.length];
      if (c.backend) await tf.setBackend(c.backend);
      const ts = c.round ? await c.round(roundMs) : [];
      for (const start = performance.now(); !c.round && performance.now() - start < roundMs;) {
        const t0 = performance.now();
        c.step();
        ts.push(performance.now() - t0);
      }
      samples.get(c.name).push(...ts);
      roundMedians.get(c.name).push(median(ts));
    }
  }
  const leaked = tf.memory().numTensors - tensors0;
  if (leaked !== 0) throw new Error(`TF.js leaked ${leaked} tensors during timing`);

  const oursMs = median(samples.get('ddpg-wasm'));
  const rows = contenders.map((c) => {
    const s = samples.get(c.name), m = median(s);
    const perRound = roundMedians.get(c.name).map((x, i) => x / roundMedians.get('ddpg-wasm')[i]);
    return {
      name: c.name, medianMs: m, p10: quantile(s, 0.1), p25: quantile(s, 0.25), p75: quantile(s, 0.75), n: s.length,
      ratio: m / oursMs, ratioMin: Math.min(...perRound), ratioMax: Math.max(...perRound),
    };
  });
  for (const c of contenders) c.peer?.dispose();
  if (threads > 1) ours.disposeThreads();

  const md = [
    table(['implementation', 'median (ms)', 'p10 (ms)', 'p25–p75 (ms)', 'updates timed', '× ddpg-wasm (medians)', '× (p10s)', 'per-round ratio range'],
      rows.map((r) => {
        const ours = r.name === 'ddpg-wasm';
        return [r.name, sig(r.medianMs), sig(r.p10), `${sig(r.p25)}–${sig(r.p75)}`, r.n, ours ? '1×' : `${sig(r.ratio)}×`,
          ours ? '1×' : `${sig(r.p10 / rows[0].p10)}×`, ours ? '—' : `${sig(r.ratioMin)}–${sig(r.ratioMax)}×`];
      })),
    'p10 is the least disturbed by neighbours on a shared machine; the per-round range shows how stable the ratio is.',
    `Equivalence check: ddpg-wasm's initial weights copied into the peer, one update of each on the same batch ` +
      `(ours with adamEpsMode 'pytorch', which is TF.js's and PyTorch's Adam; the timed runs use the keras preset):`,
    table(['peer', 'critic loss ours / peer', 'actor loss ours / peer', 'max abs Δθ after the update', 'median abs Δθ'],
      check.map((c) => [c.peer, `${c.criticLoss[0].toPrecision(7)} / ${c.criticLoss[1].toPrecision(7)}`,
        `${c.actorLoss[0].toPrecision(7)} / ${c.actorLoss[1].toPrecision(7)}`, c.maxDiff.toExponential(2), c.medianDiff.toExponential(2)])),
  ].join('\n\n');
  return { markdown: md, data: { rows, check, rounds, roundMs } };
}

/** Same weights, same batch: one update of each; compares losses and the updated parameters. */
async function equivalence(ours, tf, backend) {
  await tf.setBackend(backend);
  const env = ours.makeEnv('Pendulum-v1');
  // TF.js's Adam puts ε on √v̂ (PyTorch's form); the keras preset's 'keras' form
  // differs only for gradients near ε, so the check uses the matching form.
  const agent = new ours.DDPG(env, { preset: 'keras', seed: 5, adamEpsMode: 'pytorch' });
  fillBuffer(ours, agent.buffer, 500);
  const peer = new TfjsDDPG(5);
  peer.loadFrom(agent);
  const batch = batchArrays(NOTEBOOK.batch);
  agent.buffer.sample(NOTEBOOK.batch, agent.rngs.replay.clone(), batch); // the batch agent.update() will draw
  const theirs = peer.update(batch);
  const mine = agent.update();
  let maxDiff = 0;
  const diffs = [];
  for (const net of ['actor', 'critic', 'actorTarget', 'criticTarget']) {
    const n = agent[net];
    const a = n.getParams(), b = TfjsDDPG.paramsIn(peer[net], n.layout, n.size);
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i] - b[i]);
      diffs.push(d);
      if (d > maxDiff) maxDiff = d;
    }
  }
  peer.dispose();
  return {
    peer: `TF.js ${backend}`, criticLoss: [mine.criticLoss, theirs.criticLoss], actorLoss: [mine.actorLoss, theirs.actorLoss],
    maxDiff, medianDiff: median(diffs),
  };
}

/** The same check against the PyTorch harness: our weights and batch sent over, its updated weights read back. */
async function torchEquivalence(ours, torch) {
  const agent = new ours.DDPG(ours.makeEnv('Pendulum-v1'), { preset: 'keras', seed: 5, adamEpsMode: 'pytorch' });
  fillBuffer(ours, agent.buffer, 500);
  const batch = batchArrays(NOTEBOOK.batch);
  agent.buffer.sample(NOTEBOOK.batch, agent.rngs.replay.clone(), batch);
  const NETS = ['actor', 'critic', 'actorTarget', 'criticTarget'];
  const nets = Object.fromEntries(NETS.map((k) => [k, { layout: agent[k].layout, params: Array.from(agent[k].getParams()) }]));
  const theirs = await torch.check({ nets, batch: Object.fromEntries(Object.entries(batch).map(([k, v]) => [k, Array.from(v)])) });
  const mine = agent.update();
  const diffs = [];
  let maxDiff = 0;
  for (const k of NETS) {
    const a = agent[k].getParams(), b = theirs.params[k];
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i] - b[i]);
      diffs.push(d);
      if (d > maxDiff) maxDiff = d;
    }
  }
  return {
    peer: 'PyTorch', criticLoss: [mine.criticLoss, theirs.criticLoss], actorLoss: [mine.actorLoss, theirs.actorLoss],
    maxDiff, medianDiff: median(diffs),
  };
}
