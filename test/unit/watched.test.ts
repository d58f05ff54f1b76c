// test/helpers/watched.ts: a command past its time is described (its process tree and where each
// process waits), then SIGKILLed; one that ends in time comes back as it ended.
import { describe, expect, it } from 'vitest';
import { runWatched } from '../helpers/watched.js';

describe('runWatched', () => {
  it('returns the status and output of a command that ends in time', async () => {
    const r = await runWatched(['sh', '-c', 'echo out; echo err >&2; exit 3'], 60_000);
    expect(r).toEqual({ status: 3, signal: null, stdout: 'out\n', stderr: 'err\n' });
  });

  it('describes a command still running past its time, with its children, then SIGKILLs it', async () => {
    // The child sleeps far longer than the limit; the limit is short only to keep the test quick.
    const r = await runWatched(['sh', '-c', 'echo started; sleep 600 & wait'], 300);
    expect(r.signal).toBe('SIGKILL');
    expect(r.stdout).toBe('started\n');
    expect(r.stuck).toMatch(/still running after 0\.3 s/);
    const sh = /^pid (\d+) \(ppid \d+\) sh -c echo started/m.exec(r.stuck!);
    expect(sh).not.toBeNull();
    expect(r.stuck).toMatch(new RegExp(`^pid (\\d+) \\(ppid ${sh![1]}\\) sleep 600$`, 'm'));
    expect(r.stuck).toMatch(/^ {2}state S \(sleeping\), threads 1, wchan \S+, syscall \d+/m);
    const sleeper = Number(new RegExp(`^pid (\\d+) \\(ppid ${sh![1]}\\) sleep 600$`, 'm').exec(r.stuck!)![1]);
    process.kill(sleeper, 'SIGKILL'); // the orphaned child, by its pid
  });
});
