import { MS } from './linux.js';

/** mount_setattr(2) attributes (MOUNT_ATTR_*). */
const ATTR = { RDONLY: 0x1, NOSUID: 0x2, NODEV: 0x4, NOEXEC: 0x8, RELATIME: 0, NOATIME: 0x10, STRICTATIME: 0x20, ATIME_MASK: 0x70, NODIRATIME: 0x80, NOSYMFOLLOW: 0x200000 } as const;

export interface ParsedOptions {
  flags: number;
  /** Propagation flags applied by a second mount call (MS_SHARED etc., maybe | MS_REC). */
  propagation: number[];
  /** Recursive attributes for mount_setattr (the "r" options: rro, rnosuid, ...). */
  attrSet: number;
  attrClr: number;
  data: string[];
  bind: boolean;
  recursive: boolean;
  idmap: boolean;
  /** "tmpcopyup" (runc's and crun's extension): the tmpfs starts with a copy of what was there. */
  tmpcopyup: boolean;
}

const SET: Record<string, number> = {
  ro: MS.RDONLY, nosuid: MS.NOSUID, nodev: MS.NODEV, noexec: MS.NOEXEC, sync: MS.SYNCHRONOUS,
  remount: MS.REMOUNT, mand: MS.MANDLOCK, dirsync: MS.DIRSYNC, nosymfollow: MS.NOSYMFOLLOW,
  noatime: MS.NOATIME, nodiratime: MS.NODIRATIME, bind: MS.BIND, rbind: MS.BIND | MS.REC,
  silent: MS.SILENT, relatime: MS.RELATIME, iversion: MS.I_VERSION, strictatime: MS.STRICTATIME,
  lazytime: MS.LAZYTIME, acl: MS.POSIXACL,
};

const CLEAR: Record<string, number> = {
  rw: MS.RDONLY, suid: MS.NOSUID, dev: MS.NODEV, exec: MS.NOEXEC, async: MS.SYNCHRONOUS,
  nomand: MS.MANDLOCK, symfollow: MS.NOSYMFOLLOW, atime: MS.NOATIME, diratime: MS.NODIRATIME,
  loud: MS.SILENT, norelatime: MS.RELATIME, noiversion: MS.I_VERSION, nostrictatime: MS.STRICTATIME,
  nolazytime: MS.LAZYTIME, noacl: MS.POSIXACL, defaults: 0,
};

const PROPAGATION: Record<string, number> = {
  private: MS.PRIVATE, rprivate: MS.PRIVATE | MS.REC, shared: MS.SHARED, rshared: MS.SHARED | MS.REC,
  slave: MS.SLAVE, rslave: MS.SLAVE | MS.REC, unbindable: MS.UNBINDABLE, runbindable: MS.UNBINDABLE | MS.REC,
};

/** [set, clear] for the recursive "r" options (runc's names). */
const RECURSIVE: Record<string, [number, number]> = {
  rro: [ATTR.RDONLY, 0], rrw: [0, ATTR.RDONLY], rnosuid: [ATTR.NOSUID, 0], rsuid: [0, ATTR.NOSUID],
  rnodev: [ATTR.NODEV, 0], rdev: [0, ATTR.NODEV], rnoexec: [ATTR.NOEXEC, 0], rexec: [0, ATTR.NOEXEC],
  rnodiratime: [ATTR.NODIRATIME, 0], rdiratime: [0, ATTR.NODIRATIME],
  rrelatime: [ATTR.RELATIME, ATTR.ATIME_MASK], rnorelatime: [0, 0],
  rnoatime: [ATTR.NOATIME, ATTR.ATIME_MASK], ratime: [0, ATTR.NOATIME],
  rstrictatime: [ATTR.STRICTATIME, ATTR.ATIME_MASK], rnostrictatime: [0, 0],
  rnosymfollow: [ATTR.NOSYMFOLLOW, 0], rsymfollow: [0, ATTR.NOSYMFOLLOW],
};

/** Every option parseMountOptions acts on (the rest are filesystem data): `features`' mountOptions. */
export const MOUNT_OPTION_NAMES: readonly string[] = [...Object.keys(SET), ...Object.keys(CLEAR), ...Object.keys(PROPAGATION), ...Object.keys(RECURSIVE), 'idmap', 'ridmap', 'tmpcopyup'].sort();

/** Split OCI mount options into mount(2) flags, propagation, recursive attributes and data. Pure. */
export function parseMountOptions(options: readonly string[] | undefined): ParsedOptions {
  const out: ParsedOptions = { flags: 0, propagation: [], attrSet: 0, attrClr: 0, data: [], bind: false, recursive: false, idmap: false, tmpcopyup: false };
  for (const o of options ?? []) {
    if (o in SET) out.flags |= SET[o]!;
    else if (o in CLEAR) out.flags &= ~CLEAR[o]!;
    else if (o in PROPAGATION) out.propagation.push(PROPAGATION[o]!);
    else if (o in RECURSIVE) {
      const [s, c] = RECURSIVE[o]!;
      out.attrSet |= s;
      out.attrClr |= c;
    } else if (o === 'idmap' || o === 'ridmap') out.idmap = true;
    else if (o === 'tmpcopyup') out.tmpcopyup = true;
    else out.data.push(o);
  }
  out.bind = (out.flags & MS.BIND) !== 0;
  out.recursive = (out.flags & MS.REC) !== 0;
  return out;
}
