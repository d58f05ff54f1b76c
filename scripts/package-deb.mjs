// The Debian package (npm run package): berth_VERSION_ARCH.deb from what scripts/build.mjs made.
//   node scripts/package-deb.mjs [--out DIR]        (default DIR: dist/)
// Contents: /usr/bin/berth (the single executable), the man pages and the bash and zsh
// completions (dist/share/, made by the build from the command-line definitions), the README,
// the copyright (Apache-2.0) and a changelog in /usr/share/doc/berth, and lintian overrides,
// each explained (docs/INSTALL.md). Depends: what dpkg-shlibdeps finds for the executable and
// the addon and init inside it (glibc alone); Suggests: criu (checkpoint, restore) and uidmap
// (id-map ranges as a user). Version: package.json's version + the commit the executable was
// built from (dist/build-info.json). No maintainer scripts. Nothing is downloaded.
// Compression: gzip -6 (~6 s for the ~108 MiB executable on this 2-core machine, ~54 MB);
// xz -6 would save ~13 MB and take ~3 minutes.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const repo = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const outIndex = process.argv.indexOf('--out');
const outDir = outIndex > 0 ? process.argv[outIndex + 1] : join(repo, 'dist');
const t0 = Date.now();

function fail(msg) {
  console.error(`package: ${msg}`);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.error?.code === 'ENOENT') fail(`${cmd} is missing (Debian package ${cmd.startsWith('dpkg-shlibdeps') ? 'dpkg-dev' : 'dpkg'})`);
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} failed:\n${r.stderr}`);
  return r.stdout.trim();
}

const share = join(repo, 'dist/share');
for (const f of ['bin/berth', 'dist/build-info.json', 'dist/share/man/man8/berth.8', 'dist/native/berth.node', 'dist/native/berth-init']) {
  if (!existsSync(join(repo, f))) fail(`${f} is missing: run the build first (node scripts/build.mjs)`);
}

const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
const { commit } = JSON.parse(readFileSync(join(repo, 'dist/build-info.json'), 'utf8'));
// Debian's version syntax: no '-' in a native version; the dirty mark becomes a '.' part.
const version = commit && commit !== 'unknown' ? `${pkg.version}+git${commit.replace('-dirty', '.dirty')}` : pkg.version;
const arch = run('dpkg', ['--print-architecture']);
const git = (args) => spawnSync('git', args, { cwd: repo, encoding: 'utf8' }).stdout?.trim() ?? '';
const maintainer = process.env.DEBEMAIL ? `${process.env.DEBFULLNAME ?? 'berth maintainers'} <${process.env.DEBEMAIL}>` : git(['log', '-1', '--format=%an <%ae>']) || 'berth maintainers <root@localhost>';
const date = git(['log', '-1', '--format=%cD']) || new Date().toUTCString();

const work = mkdtempSync(join(tmpdir(), 'berth-deb-'));
try {
  const root = join(work, 'debian/berth');
  const files = [];
  const put = (path, data, mode = 0o644) => {
    const to = join(root, path);
    mkdirSync(dirname(to), { recursive: true, mode: 0o755 });
    if (typeof data === 'string' || Buffer.isBuffer(data)) writeFileSync(to, data);
    else copyFileSync(data.from, to);
    chmodSync(to, mode);
    files.push(path);
  };
  const gz = (text) => gzipSync(text, { level: 9 }); // no name, mtime 0: reproducible

  put('usr/bin/berth', { from: join(repo, 'bin/berth') }, 0o755);
  for (const name of readdirSync(join(share, 'man/man8')).sort()) put(`usr/share/man/man8/${name}.gz`, gz(readFileSync(join(share, 'man/man8', name))));
  put('usr/share/bash-completion/completions/berth', readFileSync(join(share, 'bash-completion/completions/berth')));
  put('usr/share/zsh/vendor-completions/_berth', readFileSync(join(share, 'zsh/vendor-completions/_berth')));
  put('usr/share/doc/berth/README.md.gz', gz(readFileSync(join(repo, 'README.md'))));
  put('usr/share/doc/berth/copyright', `Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: berth
Source: the berth repository (commit ${commit})

Files: *
Copyright: 2026 berth's authors
License: Apache-2.0

License: Apache-2.0
 Licensed under the Apache License, Version 2.0 (the "License");
 you may not use this file except in compliance with the License.
 You may obtain a copy of the License at
 .
     http://www.apache.org/licenses/LICENSE-2.0
 .
 Unless required by applicable law or agreed to in writing, software
 distributed under the License is distributed on an "AS IS" BASIS,
 WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 See the License for the specific language governing permissions and
 limitations under the License.
 .
 On Debian systems, the complete text of the Apache License, Version 2.0
 can be found in "/usr/share/common-licenses/Apache-2.0".
`);
  put('usr/share/doc/berth/changelog.gz', gz(`berth (${version}) unstable; urgency=medium

  * Built from commit ${commit} (bin/berth, scripts/package-deb.mjs).

 -- ${maintainer}  ${date}
`));
  // Each override is explained in docs/INSTALL.md ("lintian").
  put('usr/share/lintian/overrides/berth', readFileSync(join(repo, 'scripts/deb/lintian-overrides'), 'utf8'));

  // Depends: the shared libraries of the executable and of the addon and init it carries
  // (copied to memfds and run from there). The addon's napi_* symbols come from the executable.
  mkdirSync(join(work, 'debian'), { recursive: true });
  writeFileSync(join(work, 'debian/control'), 'Source: berth\n\nPackage: berth\nArchitecture: any\n');
  const shlibs = run('dpkg-shlibdeps', ['-O', '--warnings=0', `-e${join(root, 'usr/bin/berth')}`, `-e${join(repo, 'dist/native/berth.node')}`, `-e${join(repo, 'dist/native/berth-init')}`], { cwd: work });
  const depends = /^shlibs:Depends=(.*)$/m.exec(shlibs)?.[1];
  if (!depends) fail(`dpkg-shlibdeps found no dependencies: ${shlibs}`);
  if (depends.split(',').some((d) => !/^\s*libc6\b/.test(d))) fail(`Depends would be more than glibc: ${depends}`);

  const installedKiB = files.reduce((n, f) => n + Math.ceil(statSync(join(root, f)).size / 1024), 0);
  mkdirSync(join(root, 'DEBIAN'), { mode: 0o755 });
  const control = `Package: berth
Version: ${version}
Architecture: ${arch}
Maintainer: ${maintainer}
Installed-Size: ${installedKiB}
Depends: ${depends}
Suggests: criu, uidmap
Section: admin
Priority: optional
Description: OCI container runtime with the command line of runc
 berth runs OCI bundles as runc does, and engines such as containerd, Podman
 and Docker can use it in place of runc. It validates the bundle, plans every
 step of the container and hands the plan to a small native init that carries
 it out with system calls.
 .
 One self-contained executable (the code, the addon and the init in one file)
 that needs nothing but glibc, with man pages (berth(8), berth-COMMAND(8)) and
 bash and zsh completion. criu is needed for checkpoint and restore, uidmap for
 id-map ranges when run as a user.
`;
  writeFileSync(join(root, 'DEBIAN/control'), control);
  chmodSync(join(root, 'DEBIAN/control'), 0o644);
  const md5 = (f) => createHash('md5').update(readFileSync(join(root, f))).digest('hex');
  writeFileSync(join(root, 'DEBIAN/md5sums'), files.map((f) => `${md5(f)}  ${f}\n`).join(''));
  chmodSync(join(root, 'DEBIAN/md5sums'), 0o644);
  // Directories 0755 whatever the umask.
  for (const f of files) for (let d = dirname(f); d !== '.'; d = dirname(d)) chmodSync(join(root, d), 0o755);
  chmodSync(root, 0o755);

  mkdirSync(outDir, { recursive: true });
  const deb = join(outDir, `berth_${version}_${arch}.deb`);
  run('dpkg-deb', ['--root-owner-group', '-Zgzip', '-z6', '--build', root, deb], { env: { ...process.env, SOURCE_DATE_EPOCH: git(['log', '-1', '--format=%ct']) || '0' } });
  console.log(`package: ${relative(process.cwd(), deb) || deb} (${(statSync(deb).size / 1048576).toFixed(1)} MiB, ${version}, Depends: ${depends}; ${Date.now() - t0} ms)`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
