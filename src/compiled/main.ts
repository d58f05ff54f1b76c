/**
 * The single executable's entry (bun build --compile, scripts/build.mjs): berth-init and the
 * addon travel inside the file, and nothing from the caller's directory or environment changes
 * the code that runs (no .env, bunfig.toml, tsconfig.json or package.json is read: build flags;
 * engine variables make berth start over without them: ./env.ts).
 */
import { closeSync, readFileSync } from 'node:fs';
import addonFile from '../../dist/native/berth.node' with { type: 'file' };
import initFile from '../../dist/native/berth-init' with { type: 'file' };
import { useNativeParts, type Native } from '../native/addon.js';
import { engineVariables, withoutEngineVariables } from './env.js';
import { sealedMemfd } from './memfd.js';
import { unlinkedFile } from './unlinked-file.js';
import { main } from '../cli/main.js';

/** true only in bench/profile.mjs's build: BUN_OPTIONS then reaches Bun's CPU profiler. */
declare const BERTH_PROFILE_BUILD: boolean | undefined;

if (!(typeof BERTH_PROFILE_BUILD !== 'undefined' && BERTH_PROFILE_BUILD) && engineVariables(process.env).length > 0) {
  // The same berth, with the same arguments and fds, without them (execve: same pid).
  (process as unknown as { execve(file: string, args: string[], env: Record<string, string>): never }).execve(
    '/proc/self/exe',
    [process.argv0, ...process.argv.slice(2)],
    withoutEngineVariables(process.env),
  );
}

/** Where the addon's unnamed copy lives: a tmpfs on every Linux host with glibc's shm_open. */
const ADDON_DIR = '/dev/shm';

function dlopenFd(fd: number): Native {
  const module = { exports: {} as Native };
  process.dlopen(module, `/proc/self/fd/${fd}`);
  return module.exports;
}

useNativeParts({
  // dlopen of an unnamed file (unlinked-file.ts) or a sealed memfd: Bun's own loader would
  // write the .node to $TMPDIR and reuse any file of that name it finds there.
  load() {
    const bytes = readFileSync(addonFile);
    const fd = unlinkedFile(ADDON_DIR, bytes);
    if (fd !== undefined) {
      try {
        return dlopenFd(fd);
      } catch {
        // the memfd below (unlinkedFile already turned a noexec /dev/shm down)
      } finally {
        closeSync(fd);
      }
    }
    const memfd = sealedMemfd('berth.node', bytes);
    try {
      return dlopenFd(memfd);
    } finally {
      closeSync(memfd);
    }
  },
  init: () => readFileSync(initFile),
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 1;
  },
);
