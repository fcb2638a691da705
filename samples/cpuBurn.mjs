// A small, honest workload for `npm start`: two worker processes hash data for a few seconds, so the
// measurement has real CPU time in a real process tree to attribute.
import { createHash } from 'node:crypto';
import { fork } from 'node:child_process';

const seconds = Number(process.env.BURN_SECONDS ?? 4);

if (process.argv[2] === 'worker') {
  const until = Date.now() + seconds * 1000;
  let hash = Buffer.alloc(64);
  let rounds = 0;
  while (Date.now() < until) {
    for (let index = 0; index < 10_000; index++) hash = createHash('sha512').update(hash).digest();
    rounds++;
  }
  console.log(`worker ${process.pid}: ${rounds * 10_000} SHA-512 rounds`);
} else {
  const workers = Number(process.env.BURN_WORKERS ?? 2);
  console.log(`burning CPU in ${workers} worker processes for ${seconds} s…`);
  await Promise.all(Array.from({ length: workers }, () => new Promise((resolve) => {
    fork(new URL(import.meta.url).pathname, ['worker']).on('exit', resolve);
  })));
}
