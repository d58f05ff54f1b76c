/**
 * The messages of CRIU's RPC (`criu swrk`, https://criu.org/RPC) that berth exchanges, in
 * protobuf's wire format, written by hand: criu_req with the criu_opts fields a restore uses,
 * and the criu_resp fields it reads (its type, success, the restored pid, a notify's script,
 * cr_errno, cr_errmsg). Field numbers are those of images/rpc.proto in CRIU 3.17
 * (github.com/checkpoint-restore/criu). Pure: values in, bytes out and back.
 */

/** criu_req_type. */
export const ReqType = { RESTORE: 2, NOTIFY: 6 } as const;

/** criu_cg_mode, by the names of --manage-cgroups-mode. */
export const CG_MODE: Record<string, number> = { ignore: 0, soft: 3, full: 4, strict: 5 };

/** The criu_opts of a restore berth sends. */
export interface RpcRestoreOpts {
  imagesDirFd: number;
  workDirFd?: number;
  logLevel: number;
  logFile: string;
  root: string;
  rstSibling: boolean;
  notifyScripts: boolean;
  orphanPtsMaster: boolean;
  shellJob?: boolean;
  extUnixSk?: boolean;
  tcpEstablished?: boolean;
  fileLocks?: boolean;
  autoDedup?: boolean;
  manageCgroupsMode?: number;
  /** CLONE_NEW* flags (CLONE_NEWNET for --empty-ns network). */
  emptyNs?: number;
  lsmProfile?: string;
  lsmMountContext?: string;
  /** A CRIU config file read in criu's own mount namespace (work-dir there). */
  configFile?: string;
  cgRoots: { ctrl: string; path: string }[];
  /** The --external values ("mnt[KEY]:VAL"). */
  external: string[];
  inheritFds: { key: string; fd: number }[];
}

function varint(n: number | bigint): number[] {
  // int32 fields: a negative value is its 64-bit two's complement (10 bytes), as protobuf says.
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    const b = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v ? b | 0x80 : b);
  } while (v);
  return out;
}

const key = (field: number, wire: number): number[] => varint((field << 3) | wire);
const vint = (field: number, n: number | boolean): number[] => [...key(field, 0), ...varint(typeof n === 'boolean' ? Number(n) : n)];
function bytes(field: number, b: Uint8Array | number[]): number[] {
  return [...key(field, 2), ...varint(b.length), ...b];
}
const str = (field: number, s: string): number[] => bytes(field, Buffer.from(s, 'utf8'));

/** criu_opts of a restore. */
export function encodeRestoreOpts(o: RpcRestoreOpts): number[] {
  const out: number[] = [...vint(1, o.imagesDirFd)];
  const flag = (field: number, v: boolean | undefined) => {
    if (v !== undefined) out.push(...vint(field, v));
  };
  flag(4, o.extUnixSk);
  flag(5, o.tcpEstablished);
  flag(7, o.shellJob);
  flag(8, o.fileLocks);
  out.push(...vint(9, o.logLevel), ...str(10, o.logFile));
  flag(12, o.notifyScripts);
  out.push(...str(13, o.root));
  flag(16, o.autoDedup);
  if (o.workDirFd !== undefined) out.push(...vint(17, o.workDirFd));
  out.push(...vint(24, true)); // manage_cgroups (the CLI's --manage-cgroups)
  for (const c of o.cgRoots) out.push(...bytes(25, [...(c.ctrl ? str(1, c.ctrl) : []), ...str(2, c.path)]));
  flag(26, o.rstSibling);
  for (const f of o.inheritFds) out.push(...bytes(27, [...str(1, f.key), ...vint(2, f.fd)]));
  if (o.manageCgroupsMode !== undefined) out.push(...vint(34, o.manageCgroupsMode));
  for (const e of o.external) out.push(...str(37, e));
  if (o.emptyNs) out.push(...vint(38, o.emptyNs));
  flag(50, o.orphanPtsMaster);
  if (o.configFile) out.push(...str(51, o.configFile));
  if (o.lsmProfile) out.push(...str(53, o.lsmProfile));
  if (o.lsmMountContext) out.push(...str(63, o.lsmMountContext));
  return out;
}

/** criu_req { type = RESTORE, opts }. */
export function encodeRestoreReq(o: RpcRestoreOpts): Buffer {
  return Buffer.from([...vint(1, ReqType.RESTORE), ...bytes(2, encodeRestoreOpts(o))]);
}

/** criu_req { type = NOTIFY, notify_success = true }: the answer to each notify. */
export function encodeNotifyAck(): Buffer {
  return Buffer.from([...vint(1, ReqType.NOTIFY), ...vint(3, true)]);
}

/** The fields of criu_resp berth reads. */
export interface CriuResp {
  type: number;
  success: boolean;
  /** criu_restore_resp.pid */
  restoredPid?: number;
  /** criu_notify.script ("setup-namespaces", "orphan-pts-master", ...) */
  notifyScript?: string;
  notifyPid?: number;
  crErrno?: number;
  crErrmsg?: string;
}

/** The fields of a message: number → last value (varints as numbers, length-delimited as bytes). */
function fields(buf: Uint8Array): Map<number, number | Uint8Array> {
  const out = new Map<number, number | Uint8Array>();
  let i = 0;
  const readVarint = (): bigint => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      if (i >= buf.length) throw new Error('truncated varint');
      const b = buf[i++]!;
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
      if (shift > 63n) throw new Error('varint too long');
    }
  };
  while (i < buf.length) {
    const k = Number(readVarint());
    const field = k >>> 3;
    switch (k & 7) {
      case 0:
        out.set(field, Number(BigInt.asIntN(32, readVarint())));
        break;
      case 1:
        i += 8;
        break;
      case 2: {
        const n = Number(readVarint());
        if (i + n > buf.length) throw new Error('truncated field');
        out.set(field, buf.subarray(i, i + n));
        i += n;
        break;
      }
      case 5:
        i += 4;
        break;
      default:
        throw new Error(`wire type ${k & 7}`);
    }
  }
  if (i > buf.length) throw new Error('truncated message');
  return out;
}

const num = (v: number | Uint8Array | undefined): number | undefined => (typeof v === 'number' ? v : undefined);
const sub = (v: number | Uint8Array | undefined): Uint8Array | undefined => (v instanceof Uint8Array ? v : undefined);
const text = (v: number | Uint8Array | undefined): string | undefined => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : undefined);

/** criu_resp; throws on bytes that are not one (truncated, no type). */
export function decodeResp(buf: Uint8Array): CriuResp {
  const f = fields(buf);
  const type = num(f.get(1));
  if (type === undefined) throw new Error('no type');
  const r: CriuResp = { type, success: num(f.get(2)) === 1 };
  const restore = sub(f.get(4));
  if (restore) r.restoredPid = num(fields(restore).get(1));
  const notify = sub(f.get(5));
  if (notify) {
    const n = fields(notify);
    r.notifyScript = text(n.get(1));
    r.notifyPid = num(n.get(2));
  }
  r.crErrno = num(f.get(7));
  r.crErrmsg = text(f.get(9));
  return r;
}
