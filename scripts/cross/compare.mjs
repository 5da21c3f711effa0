/**
 * Compares the results of scripts/cross/check.mjs from several runtimes
 * (pure function, unit-tested in test/scripts/crosscheck-compare.test.ts).
 * Everything is compared bit for bit against the first result: the DDPG weights
 * hash, the full-checkpoint hash, the TD3 and SAC weights hashes, the 20 evaluation actions (float32 bits) and
 * the training episode returns, and the first difference of each kind is named,
 * which is where a hunt for an engine-dependent operation starts.
 */

/** Issue 8: fewer runtimes than this is a failure, not a pass. */
export const MIN_RUNTIMES = 4;

/**
 * @param {readonly { runtime: string, weightsHash: string, checkpointHash: string, td3Hash?: string, sacHash?: string, actionBits: readonly string[], actions: readonly number[], returns: readonly number[] }[]} results
 * @param {number} [minRuntimes]
 * @returns {{ ok: boolean, problems: string[] }}
 */
export function compareResults(results, minRuntimes = MIN_RUNTIMES) {
  const problems = [];
  const ref = results[0];
  for (const r of results.slice(1)) {
    const diffs = [];
    for (const k of ['weightsHash', 'checkpointHash', 'td3Hash', 'sacHash']) if (r[k] !== ref[k]) diffs.push(`${k} ${r[k]} ≠ ${ref[k]}`);
    const n = Math.max(r.actionBits.length, ref.actionBits.length);
    for (let i = 0; i < n; i++) {
      if (r.actionBits[i] !== ref.actionBits[i]) {
        diffs.push(`eval action ${i}: ${r.actions[i]} (0x${r.actionBits[i]}) ≠ ${ref.actions[i]} (0x${ref.actionBits[i]})`);
        break;
      }
    }
    const m = Math.max(r.returns.length, ref.returns.length);
    for (let i = 0; i < m; i++) {
      if (!Object.is(r.returns[i], ref.returns[i])) {
        diffs.push(`training episode ${i + 1} return ${r.returns[i]} ≠ ${ref.returns[i]}`);
        break;
      }
    }
    if (diffs.length > 0) problems.push(`${r.runtime} differs from ${ref.runtime}: ${diffs.join('; ')}`);
  }
  if (results.length < minRuntimes) problems.push(`only ${results.length} runtime(s) ran; at least ${minRuntimes} are required`);
  return { ok: problems.length === 0, problems };
}
