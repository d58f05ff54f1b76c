// Make an OCI bundle: a busybox-static rootfs and berth's default config (`berth spec`), with
// the given command, no terminal. Usage: make-bundle.mjs DIR [command...]
import { mkdirSync, copyFileSync, symlinkSync, existsSync, chmodSync, writeFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';

const dir = resolve(process.argv[2] ?? 'bundle');
const cmd = process.argv.slice(3);
const busybox = '/bin/busybox';
if (!existsSync(busybox)) throw new Error('busybox-static is missing (apt-get install busybox-static)');
rmSync(dir, { recursive: true, force: true });
const rootfs = join(dir, 'rootfs');
for (const d of ['bin', 'proc', 'sys', 'dev', 'etc', 'tmp', 'root']) mkdirSync(join(rootfs, d), { recursive: true });
copyFileSync(busybox, join(rootfs, 'bin/busybox'));
chmodSync(join(rootfs, 'bin/busybox'), 0o755);
const applets = execFileSync(busybox, ['--list'], { encoding: 'utf8' }).split('\n').filter(Boolean);
for (const a of applets) if (!existsSync(join(rootfs, 'bin', a))) symlinkSync('busybox', join(rootfs, 'bin', a));
writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n');
writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
const berth = new URL('../bin/berth', import.meta.url).pathname;
execFileSync(berth, ['spec', '--bundle', dir], { stdio: 'inherit' });
const configPath = join(dir, 'config.json');
const { readFileSync } = await import('node:fs');
const config = JSON.parse(readFileSync(configPath, 'utf8'));
config.process.terminal = false;
if (cmd.length) config.process.args = cmd;
writeFileSync(configPath, JSON.stringify(config, null, 2) + '\n');
console.log(`bundle: ${dir}`);
