/**
 * The dry-run document as text for a person: one line per step, in order, grouped by side, each
 * ending with the field it comes from (`<- /mounts/3`). Pure.
 */
import type { Detail } from './decode.js';
import type { DryRunDocument, DryRunStep } from './document.js';

function value(v: Detail[string]): string {
  if (Array.isArray(v)) return v.length ? v.join(',') : '-';
  if (v === '') return '-';
  return String(v);
}

/** Lists that go on a line of their own. */
const long = (k: string, v: Detail[string]): boolean => Array.isArray(v) && (k === 'env' || v.length > 12);

/** The detail as `key=value` pairs; long lists (env) go on lines of their own. */
function detailText(d: Detail, skip: readonly string[] = []): string {
  return Object.entries(d)
    .filter(([k, v]) => !skip.includes(k) && !long(k, v))
    .map(([k, v]) => `${k}=${value(v)}`)
    .join(' ');
}

function from(f: string | undefined): string {
  return f ? `  <- ${f}` : '';
}

function stepLines(s: DryRunStep): string[] {
  const d = detailText(s.detail);
  const out = [`  ${String(s.index).padStart(3)}. ${s.what}${d ? ` (${d})` : ''}${from(s.from)}`];
  for (const [k, v] of Object.entries(s.detail)) {
    if (Array.isArray(v) && long(k, v)) out.push(`         ${k}: ${v.join(' ')}`);
  }
  return out;
}

export function renderText(doc: DryRunDocument): string {
  const L: string[] = [];
  const subject = doc.bundle ? `bundle ${doc.bundle}` : `container ${doc.id}`;
  L.push(`berth ${doc.command} --dry-run ${doc.id} (${subject}): the plan, nothing was made or run`);
  L.push(`fields: ${doc.fields}`);
  if (doc.warnings.length) {
    L.push('', 'Warnings (create prints these too)');
    for (const w of doc.warnings) L.push(`  ${w}`);
  }
  L.push('', 'Host side (the runtime, then stage A of the init, in the runtime\'s namespaces)');
  const cg = doc.host.cgroup;
  if (cg) {
    L.push(`  cgroup: ${cg.driver} driver, ${cg.layout} layout${from('/linux/cgroupsPath')}`);
    if (cg.systemdUnit) {
      L.push(`    start transient unit ${cg.systemdUnit} over D-Bus (systemd makes its dirs; berth writes the resources there once it exists)`);
      for (const p of cg.systemdProperties ?? []) L.push(`      ${p}`);
    }
    for (const [ctrl, dir] of Object.entries(cg.paths)) L.push(`    ${ctrl || 'cgroup2'}: ${dir}${cg.mkdir.includes(dir) ? '' : ' (exists)'}`);
    for (const d of cg.mkdir) L.push(`    mkdir ${d}`);
    for (const w of cg.writes) L.push(`    write ${w.path} = ${JSON.stringify(w.value)}${from(w.from)}`);
    if (cg.deviceProgram) L.push(`    attach a BPF device program to ${cg.deviceProgram.dir} (${cg.deviceProgram.rules} rules)${from(cg.deviceProgram.from)}`);
  } else L.push(doc.command === 'exec' ? '  cgroup: the container\'s (joined below)' : '  cgroup: none');
  for (const s of doc.host.steps) L.push(...stepLines(s));
  if (doc.netDevices?.length) {
    L.push('', 'Network devices (by the runtime, once the init reports its pid: its network namespace exists; before any hook)');
    for (const d of doc.netDevices) L.push(`  ${d.what}${from(d.from)}`);
  }
  L.push('', doc.command === 'exec' ? 'The exec process (in the container\'s namespaces)' : 'Container side (stage B: the container init)');
  for (const s of doc.container.steps) L.push(...stepLines(s));
  if (doc.hooks.length) {
    L.push('', 'Hooks');
    for (const h of doc.hooks) L.push(`  ${h.kind} ${h.index}: ${h.args.join(' ')}${h.timeout ? ` (timeout ${h.timeout}s)` : ''}: run ${h.runs}${from(h.from)}`);
  }
  L.push('', 'Seccomp');
  const sc = doc.seccomp;
  if (sc) {
    L.push(`  default action ${sc.defaultAction}, ${sc.rules} rules (${sc.skippedRules} skipped: unknown to libseccomp), ${sc.instructions} BPF instructions${from(sc.from)}`);
    L.push(`  architectures ${sc.architectures.join(',') || 'native'}; flags ${sc.flags.join(',') || 'none'}${sc.notify ? '; listener handed to the seccomp agent' : ''}`);
  } else L.push(doc.container.steps.some((s) => s.op === 'SECCOMP') ? '  the filter create compiled (state.json)' : '  none');
  const p = doc.process;
  L.push('', 'Program');
  L.push(`  ${p.args.join(' ')}${from(`${p.from === '/' ? '' : p.from}/args`)}`);
  L.push(`  cwd ${p.cwd}, uid ${p.uid}, gid ${p.gid}${p.terminal ? ', terminal' : ''}${p.noNewPrivileges ? ', no_new_privs' : ''}`);
  L.push(`  environment${from(`${p.from === '/' ? '' : p.from}/env`)}`);
  for (const e of p.env) L.push(`    ${e}`);
  return L.join('\n') + '\n';
}
