import { describe, it, expect } from 'vitest';
import { officialFixtures, officialValidator, type OfficialKind } from '../helpers/official-schemas.js';
import { schemaAccepts } from '../../src/validate/schema.js';
import { pointer } from '../../src/validate/pointer.js';

/**
 * A wider differential test than the fixtures: every field of a full document is mutated (wrong
 * type, null, negative, fraction, unknown string, deleted) and berth's schema must give the
 * official schema's verdict, except where a listed deviation, taken from the spec text, says
 * otherwise. Each deviation must still be exercised, so the list cannot go stale.
 */

const fixture = (kind: OfficialKind, name: string): any => JSON.parse(officialFixtures(kind).find((f) => f.name === name)!.text);

/** spec-example.json plus every field it lacks. */
function fullConfig(): any {
  const c = fixture('config', 'spec-example.json');
  const map = [{ containerID: 0, hostID: 1000, size: 10 }];
  Object.assign(c.process, {
    consoleSize: { height: 25, width: 80 },
    commandLine: 'sh',
    oomScoreAdj: 100,
    ioPriority: { class: 'IOPRIO_CLASS_BE', priority: 4 },
    scheduler: { policy: 'SCHED_DEADLINE', nice: 0, priority: 0, flags: ['SCHED_FLAG_RECLAIM'], runtime: 1, deadline: 2, period: 3 },
    execCPUAffinity: { initial: '7', final: '0-3,7' },
  });
  Object.assign(c.process.user, { umask: 18, username: 'u' });
  c.mounts.push({ destination: '/idmapped', source: '/src', options: ['bind', 'idmap'], uidMappings: map, gidMappings: map });
  c.linux.namespaces.push({ type: 'time', path: '/proc/1/ns/time' });
  Object.assign(c.linux, {
    netDevices: { eth0: { name: 'ceth0' } },
    intelRdt: { closID: 'g', l3CacheSchema: 'L3:0=7f0', memBwSchema: 'MB:0=20', schemata: ['L2:0=f'], enableMonitoring: true },
    memoryPolicy: { mode: 'MPOL_BIND', nodes: '0-1', flags: ['MPOL_F_STATIC_NODES'] },
    personality: { domain: 'LINUX', flags: [] },
  });
  Object.assign(c.linux.seccomp, { defaultErrnoRet: 1, flags: ['SECCOMP_FILTER_FLAG_LOG'], listenerPath: '/run/s.sock', listenerMetadata: 'm' });
  c.linux.seccomp.syscalls.push({ names: ['clone'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, args: [{ index: 0, value: 1, valueTwo: 2, op: 'SCMP_CMP_MASKED_EQ' }] });
  const r = c.linux.resources;
  r.cpu.idle = 0;
  r.rdma = { mlx5_1: { hcaHandles: 3, hcaObjects: 10000 } };
  r.unified = { 'memory.max': '1G' };
  r.blockIO.throttleWriteBpsDevice = [{ major: 8, minor: 0, rate: 1 }];
  r.blockIO.throttleReadIOPSDevice = [{ major: 8, minor: 0, rate: 1 }];
  return c;
}

function fullFeatures(): any {
  const f = fixture('features', 'runc.json');
  f.linux.intelRdt = { enabled: true, schemata: true, monitoring: true };
  f.linux.netDevices = { enabled: true };
  return f;
}

interface Mutation {
  path: string;
  kind: 'type' | 'null' | 'negative' | 'fraction' | 'string' | 'delete';
  doc: unknown;
}

function* mutations(doc: any): Generator<Mutation> {
  const at = (segments: (string | number)[], change: (parent: any, key: string | number) => void): unknown => {
    const copy = structuredClone(doc);
    const parent = segments.slice(0, -1).reduce((o, k) => o[k], copy);
    change(parent, segments[segments.length - 1]!);
    return copy;
  };
  function* walk(node: any, segments: (string | number)[]): Generator<Mutation> {
    const path = pointer(...segments);
    if (segments.length > 0) {
      const set = (v: unknown) => at(segments, (p, k) => (p[k] = v));
      const wrong = Array.isArray(node) ? {} : node === null ? 1 : typeof node === 'object' ? [] : typeof node === 'string' ? 42 : typeof node === 'number' ? '1' : 'true';
      yield { path, kind: 'type', doc: set(wrong) };
      yield { path, kind: 'null', doc: set(null) };
      if (typeof node === 'number') {
        yield { path, kind: 'negative', doc: set(-1) };
        yield { path, kind: 'fraction', doc: set(0.5) };
      }
      if (typeof node === 'string') yield { path, kind: 'string', doc: set('bogus') };
      if (typeof segments[segments.length - 1] === 'string') yield { path, kind: 'delete', doc: at(segments, (p, k) => delete p[k]) };
    }
    if (Array.isArray(node)) for (let i = 0; i < node.length; i++) yield* walk(node[i], [...segments, i]);
    else if (node && typeof node === 'object') for (const k of Object.keys(node)) yield* walk(node[k], [...segments, k]);
  }
  yield* walk(doc, []);
}

interface Deviation {
  kind: Mutation['kind'];
  path: RegExp;
  official: boolean;
  berth: boolean;
  why: string;
}

const DEVIATIONS: Record<OfficialKind, Deviation[]> = {
  config: [
    { kind: 'delete', path: /^\/linux\/resources\/pids\/limit$/, official: false, berth: true, why: 'config-linux.md 1.3: pids.limit is OPTIONAL' },
    { kind: 'delete', path: /^\/linux\/personality\/domain$/, official: true, berth: false, why: 'config-linux.md: personality.domain is REQUIRED' },
    { kind: 'delete', path: /^\/linux\/memoryPolicy\/mode$/, official: true, berth: false, why: 'config-linux.md: memoryPolicy.mode is REQUIRED' },
    { kind: 'string', path: /^\/linux\/resources\/devices\/\d+\/type$/, official: true, berth: false, why: 'config-linux.md: type is a, c or b' },
  ],
  state: [],
  features: [
    // (The official schema does not know intelRdt.schemata/monitoring, so it accepts null there too.)
    { kind: 'null', path: /^\/(?!ociVersionM(in|ax)$|linux\/intelRdt\/(schemata|monitoring)$)[^/]+(\/[A-Za-z][A-Za-z0-9]*)*$/, official: false, berth: true, why: 'features.md: every property but ociVersionMin/Max MAY be null' },
    { kind: 'type', path: /^\/linux\/intelRdt\/(schemata|monitoring)$/, official: true, berth: false, why: 'features-linux.md 1.3: intelRdt.schemata and .monitoring are bool' },
  ],
};

const DOCS: Record<OfficialKind, () => any> = { config: fullConfig, state: () => fixture('state', 'spec-example.json'), features: fullFeatures };

for (const kind of ['config', 'state', 'features'] as const) {
  describe(`${kind}: mutations of a full document`, () => {
    const official = officialValidator(kind);
    const base = DOCS[kind]();
    const all = [...mutations(base)];

    it('the full document is valid to both', () => {
      expect(official(base)).toBe(true);
      expect(schemaAccepts(kind, base)).toBe(true);
    });

    it(`${all.length} mutations get the official verdict, or a listed deviation`, () => {
      const used = new Set<Deviation>();
      const mismatches: string[] = [];
      let rejected = 0;
      for (const m of all) {
        const theirs = official(m.doc);
        const ours = schemaAccepts(kind, m.doc);
        if (!theirs) rejected++;
        const dev = DEVIATIONS[kind].find((d) => d.kind === m.kind && d.path.test(m.path));
        if (dev) {
          used.add(dev);
          if (theirs !== dev.official || ours !== dev.berth) mismatches.push(`${m.kind} ${m.path}: official ${theirs}, berth ${ours} (deviation says ${dev.official}/${dev.berth})`);
        } else if (theirs !== ours) {
          mismatches.push(`${m.kind} ${m.path}: official ${theirs}, berth ${ours}`);
        }
      }
      expect(mismatches).toEqual([]);
      expect(rejected).toBeGreaterThan(all.length / 4); // the mutations do reach the schemas
      expect(DEVIATIONS[kind].filter((d) => !used.has(d)).map((d) => d.why)).toEqual([]);
    });
  });
}
