// A CPU workload to measure: `node cpuBurn.mjs [seconds=20] [processes=1]` hashes data for that long,
// in this process alone or in that many worker processes (a real process tree to attribute).
import { createHash } from 'node:crypto';
import { fork } from 'node:child_process';

const seconds = Number(process.argv[2] ?? 20);
const processes = Number(process.argv[3] ?? 1);

function burn() {
  const until = Date.now() + seconds * 1000;
  let hash = Buffer.alloc(64);
  let rounds = 0;
  while (Date.now() < until) {
    for (let index = 0; index < 10_000; index++) hash = createHash('sha512').update(hash).digest();
    rounds += 10_000;
  }
  console.log(`process ${process.pid}: ${rounds} SHA-512 rounds in ${seconds} s`);
}

if (process.argv[4] === 'worker' || processes <= 1) {
  burn();
} else {
  console.log(`burning CPU in ${processes} processes for ${seconds} s…`);
  const file = new URL(import.meta.url).pathname;
  await Promise.all(Array.from({ length: processes }, () => new Promise((resolve) => {
    fork(file, [String(seconds), '1', 'worker']).on('exit', resolve);
  })));
}
