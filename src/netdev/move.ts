import { closeSync, fstatSync, openSync } from 'node:fs';
import { BerthError, describeErrno } from '../errors.js';
import { log } from '../log/logger.js';
import { native, type NetAddress, type Native } from '../native/addon.js';
import { addressesToCarry, showAddress } from './addresses.js';
import { missingDevice } from './host.js';
import { isNameTemplate } from './names.js';
import { transitName, type NetDeviceMove } from './plan.js';

const IFF_UP = 1;
const OWN = -1;

/** A device berth moved into the container, and what it needs to put it back. */
interface Moved {
  move: NetDeviceMove;
  /** Its index inside the container's namespace. */
  index: number;
  hostUp: boolean;
  addrs: NetAddress[];
}

function hex(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');
}

/**
 * linux.netDevices at create (config-linux.md "Network Devices"), by the runtime in its own
 * network namespace, as soon as the init reports its pid (its network namespace exists: new, or
 * joined by path) and before any hook runs: each device is moved in under a transit name, renamed
 * to its name (the kernel numbers a "%d" template), gets its permanent global addresses back and
 * is set up. The namespace stays open until create ends, so after a failed create every device
 * moved so far goes back to the host with its name, addresses and state (`restore`), even when
 * the init is already gone. Once create succeeded berth never moves a device out: the spec says
 * the runtime MUST NOT, and when the namespace is freed the kernel returns physical devices to
 * the initial namespace and destroys virtual ones (a veth pair with both its ends).
 */
export class NetDeviceMover {
  private readonly moved: Moved[] = [];
  private containerNs = -1;
  private hostNs = -1;

  constructor(
    private readonly moves: readonly NetDeviceMove[],
    private readonly n: Native = native(),
  ) {}

  moveIn(pid: number): void {
    if (this.moves.length === 0) return;
    this.hostNs = openSync('/proc/self/ns/net', 'r');
    try {
      this.containerNs = openSync(`/proc/${pid}/ns/net`, 'r');
    } catch (e) {
      // The init is exiting (failed at its first steps): a task loses its namespace links only
      // as it exits, and the pid is not reused before runInit reaps it. Its own report, the error
      // create gives, is the next message; nothing was moved.
      if ((e as { code?: string }).code === 'ENOENT') return;
      throw new BerthError(`config.json: /linux/netDevices: open the container's network namespace: ${describeErrno(e)}`);
    }
    const [own, theirs] = [fstatSync(this.hostNs), fstatSync(this.containerNs)];
    if (own.dev === theirs.dev && own.ino === theirs.ino) {
      throw new BerthError('config.json: /linux/netDevices: the container\'s network namespace is berth\'s own (joined by path?): devices can only move into another');
    }
    for (const m of this.moves) this.moveOne(m);
  }

  private moveOne(m: NetDeviceMove): void {
    const { n } = this;
    const ns = this.containerNs;
    const host = n.netLinkGet(OWN, m.host);
    if (!host) throw new BerthError(missingDevice(m));
    const fail = (what: string, e: unknown) => new BerthError(`config.json: ${m.from}: ${what}: ${describeErrno(e)}`);
    if (!isNameTemplate(m.name) && n.netLinkGet(ns, m.name)) throw new BerthError(nameTaken(m));
    // Read before the move: the kernel drops every address of a device that changes namespace.
    const addrs = addressesToCarry(n.netAddrs(OWN, host.index));
    const transit = transitName(hex(5));
    const rec: Moved = { move: m, index: 0, hostUp: (host.flags & IFF_UP) !== 0, addrs };
    try {
      n.netLinkSet(OWN, host.index, transit, ns, -1);
    } catch (e) {
      // The kernel moves first and renames after: a refused rename leaves the device inside.
      const inside = n.netLinkGet(OWN, host.index) ? null : (n.netLinkGet(ns, transit) ?? n.netLinkGet(ns, m.host));
      if (inside) this.moved.push({ ...rec, index: inside.index });
      throw fail('move it into the container\'s network namespace', e);
    }
    const inside = n.netLinkGet(ns, transit);
    if (!inside) throw new BerthError(`config.json: ${m.from}: ${m.host} moved into the container's network namespace but is not there as ${transit}`);
    rec.index = inside.index;
    this.moved.push(rec);
    try {
      n.netLinkSet(ns, rec.index, m.name, OWN, -1);
    } catch (e) {
      if ((e as { code?: string }).code === 'EEXIST') throw new BerthError(nameTaken(m));
      throw fail(`rename it ${m.name}`, e);
    }
    const named = n.netLinkGet(ns, rec.index)?.name ?? m.name;
    for (const a of addrs) {
      try {
        n.netAddrAdd(ns, rec.index, a);
      } catch (e) {
        throw fail(`add its address ${showAddress(a)} on ${named}`, e);
      }
    }
    try {
      n.netLinkSet(ns, rec.index, '', OWN, 1);
    } catch (e) {
      throw fail(`set ${named} up`, e);
    }
    log.debug(`network device ${m.host} moved into the container's network namespace as ${named} (${addrs.length} address${addrs.length === 1 ? '' : 'es'}, up)`);
  }

  /** After a failed create: every device moved so far goes back to the host (best effort; warnings). */
  restore(): void {
    const { n } = this;
    for (const d of this.moved.reverse()) {
      const m = d.move;
      try {
        n.netLinkSet(this.containerNs, d.index, m.host, this.hostNs, -1);
        const back = n.netLinkGet(OWN, m.host);
        if (!back) throw new Error(`not found as ${m.host} after the move`);
        for (const a of d.addrs) n.netAddrAdd(OWN, back.index, a);
        if (d.hostUp) n.netLinkSet(OWN, back.index, '', OWN, 1);
      } catch (e) {
        log.warn(`config.json: ${m.from}: could not put network device ${m.host} back on the host: ${describeErrno(e)}`);
      }
    }
    this.moved.length = 0;
  }

  /** Once create is over (either way): the namespace fds are closed. */
  close(): void {
    for (const fd of [this.containerNs, this.hostNs]) if (fd >= 0) closeSync(fd);
    this.containerNs = this.hostNs = -1;
  }
}

function nameTaken(m: NetDeviceMove): string {
  const at = m.name === m.host ? m.from : `${m.from}/name`;
  return `config.json: ${at}: the container's network namespace already has a network device named ${m.name}`;
}
