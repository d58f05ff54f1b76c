import { describe, expect, it } from 'vitest';
import { staticImports } from '../helpers/import-graph.js';

/**
 * What each command loads before its code runs (start-up cost: docs/ARCHITECTURE.md). The commands
 * an engine calls for every container and every probe load no validator, no yargs, no seccomp
 * compiler and no plan code; only create, run, exec and update validate input.
 */
const HEAVY: [RegExp, string][] = [
  [/^src\/generated\//, 'the schema validators'],
  [/^src\/validate\//, 'validation'],
  [/node_modules\/yargs/, 'yargs'],
  [/^src\/cli\/yargs\.ts$/, 'the full parser'],
  [/^src\/seccomp\/(?!notify\.ts$)/, 'seccomp planning and compiling'],
  [/^src\/plan\//, 'plan building'],
  [/^src\/config\//, 'config loading'],
  [/^src\/features\//, 'the features document'],
];

const LEAN = ['state', 'start', 'kill', 'delete', 'list', 'ps', 'pause', 'resume'];

describe('each command loads only what it needs', () => {
  for (const cmd of LEAN) {
    it(`${cmd} loads no validator, yargs, seccomp or plan code`, async () => {
      const mods = [...(await staticImports(`src/commands/${cmd}.ts`))];
      const found = HEAVY.flatMap(([re, what]) => mods.filter((m) => re.test(m)).map((m) => `${what}: ${m}`));
      expect(found).toEqual([]);
    });
  }

  it('state and list load only the state store and the status probes (no cgroup manager, no addon)', async () => {
    for (const cmd of ['state', 'list']) {
      const mods = [...(await staticImports(`src/commands/${cmd}.ts`))];
      expect(mods.filter((m) => /^src\/(cgroups\/(?!frozen\.ts$|types\.ts$)|native\/)/.test(m)), cmd).toEqual([]);
    }
  });

  it('delete of a stopped container loads no cgroup manager (only the dir removal)', async () => {
    const mods = [...(await staticImports('src/commands/delete.ts'))];
    expect(mods.filter((m) => /^src\/cgroups\/(manager|open|index|systemd|v1|v2|apply)/.test(m))).toEqual([]);
    expect(mods).toContain('src/cgroups/remove-dirs.ts');
  });

  it('check loads no validator, yargs, plan building or seccomp compiler (only the probes)', async () => {
    const mods = [...(await staticImports('src/commands/check.ts'))];
    const heavy = HEAVY.filter(([, what]) => what !== 'seccomp planning and compiling');
    expect(heavy.flatMap(([re, what]) => mods.filter((m) => re.test(m) && m !== 'src/plan/linux.ts').map((m) => `${what}: ${m}`))).toEqual([]);
    expect(mods.filter((m) => /^src\/seccomp\/(build|plan)\.ts$/.test(m))).toEqual([]);
    expect(mods).toContain('src/check/probes.ts');
  });

  it('create, run and exec load the dry run only when asked (--dry-run), and never check', async () => {
    for (const cmd of ['create', 'run', 'exec']) {
      const mods = [...(await staticImports(`src/commands/${cmd}.ts`))];
      expect(mods.filter((m) => /^src\/(dryrun|check)\/|^src\/commands\/(dry-run|check)\.ts$|^src\/cgroups\/dry-run\.ts$/.test(m)), cmd).toEqual([]);
    }
  });

  it('the entry loads no command before the command line is read', async () => {
    const mods = [...(await staticImports('src/cli/main.ts'))];
    expect(mods.filter((m) => /^src\/commands\//.test(m) || /yargs/.test(m))).toEqual([]);
  });

  it('the graph sees what it should (the test can fail): create loads the validators', async () => {
    const mods = [...(await staticImports('src/commands/create.ts'))];
    expect(mods.some((m) => m.startsWith('src/generated/'))).toBe(true);
    expect(mods.some((m) => m.startsWith('src/plan/'))).toBe(true);
  });
});
