// npm test: the unit lane always; the integration lane (real containers) when running as root.
import { spawnSync } from 'node:child_process';

const lanes = ['unit'];
if (process.getuid?.() === 0) lanes.push('integration');
else console.log('test: not root, skipping the integration lane');

const args = ['vitest', 'run', ...lanes.flatMap((l) => ['--project', l]), ...process.argv.slice(2)];
const r = spawnSync('npx', args, { stdio: 'inherit', env: { ...process.env, PATH: `${process.cwd()}/node_modules/.bin:${process.env.PATH}` } });
process.exit(r.status ?? 1);
