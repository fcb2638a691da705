// `npm start` on a fresh clone: install if needed, build, show which power sources this machine offers,
// then measure a sample workload and print its report.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const run = (command, args) => execFileSync(command, args, { stdio: 'inherit' });

if (!existsSync('node_modules/esbuild')) run('npm', ['ci', '--no-audit', '--no-fund']);
run('node', ['esbuild.mjs']);
run('node', ['dist/cli.js', 'doctor']);
run('node', ['dist/cli.js', 'run', '--project', 'carbon-meter-demo', '--experiment', 'cpu-burn', '--', 'node', 'samples/cpuBurn.mjs']);
run('node', ['dist/cli.js', 'report', '.carbon-meter', '--format', 'md']);
