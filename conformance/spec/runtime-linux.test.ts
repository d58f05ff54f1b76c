// Spec checklist, runtime-linux.md: its one MUST (dev symlinks) and its default for file
// descriptors, each named by its sentence. Real containers through bin/berth, as root.
import { describe, it, expect, afterEach } from 'vitest';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../../test/helpers/bundle.js';
import { sentence } from './helpers.js';

const suite = isRoot() && haveBuild() ? describe : describe.skip;
const S = (text: string) => sentence('runtime-linux.md', text);

suite('runtime-linux.md', () => {
  let b: TestBundle;
  afterEach(() => b?.cleanup());

  it(S('By default, only the `stdin`, `stdout` and `stderr` file descriptors are kept open for the application by the runtime.'), () => {
    // ls opens the dir it lists: that fd is the only other one
    b = makeBundle(['sh', '-c', 'ls /proc/self/fd | sort -n | tr "\\n" " "']);
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('0 1 2 3 ');
  });

  it(`${S('While creating the container (step 2 in the [lifecycle](runtime.md#lifecycle)), runtimes MUST create the following symlinks if the source file exists after processing [`mounts`](config.md#mounts):')} /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr`, () => {
    b = makeBundle(['sh', '-c', 'for l in fd stdin stdout stderr; do echo "$l -> $(readlink /dev/$l)"; done']);
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('fd -> /proc/self/fd\nstdin -> /proc/self/fd/0\nstdout -> /proc/self/fd/1\nstderr -> /proc/self/fd/2\n');
  });
});
