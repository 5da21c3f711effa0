// Child process of checkpoint.test.ts: loads the full checkpoint at argv[2] into
// a fresh Pendulum-v1 (time limit argv[4]), trains argv[3] more steps and prints
// { hash, saveChecksum } as one JSON line.
import { readFileSync } from 'node:fs';
import { initSync, DDPG, makeEnv } from '../../src/index.js';
import { fnv1a32 } from '../../src/nn/hash.js';

async function main(path: string, steps: number, maxEpisodeSteps: number): Promise<void> {
  initSync();
  const agent = DDPG.load(new Uint8Array(readFileSync(path)), makeEnv('Pendulum-v1', { maxEpisodeSteps }));
  await agent.learn(steps);
  process.stdout.write(`${JSON.stringify({ hash: agent.weightsHash(), saveChecksum: fnv1a32(agent.save()) })}\n`);
}

void main(process.argv[2]!, Number(process.argv[3]), Number(process.argv[4]));
