/**
 * systemd's Manager over D-Bus, the calls the systemd cgroup driver makes: start a transient
 * scope and wait until it is active, read its ControlGroup, stop it and wait until it is gone.
 * As root the system manager's private socket (/run/systemd/private, no dbus-daemon needed),
 * else the system bus. Not root (rootless), the user's own manager (`systemd --user`, which
 * user@UID.service runs with its cgroup delegated to the user): its private socket
 * $XDG_RUNTIME_DIR/systemd/private, else the session bus ($DBUS_SESSION_BUS_ADDRESS or
 * $XDG_RUNTIME_DIR/bus).
 */
import { existsSync } from 'node:fs';
import { DbusConnection, DbusError } from './dbus/connection.js';
import type { DbusValue, Variant } from './dbus/wire.js';
import { CgroupError } from '../errors.js';
import { log } from '../../log/logger.js';
import { sleepMs } from '../../sleep.js';

const DEST = 'org.freedesktop.systemd1';
const MANAGER_PATH = '/org/freedesktop/systemd1';
const MANAGER = 'org.freedesktop.systemd1.Manager';
const NO_SUCH_UNIT = 'org.freedesktop.systemd1.NoSuchUnit';

/** Not root: the user's own manager (above). */
export function userManager(): boolean {
  return (process.geteuid?.() ?? 0) !== 0;
}

export class SystemdManager {
  private constructor(private readonly conn: DbusConnection) {}

  static connect(): SystemdManager {
    if (userManager()) return SystemdManager.connectUser();
    const priv = '/run/systemd/private';
    try {
      if (existsSync(priv)) return new SystemdManager(DbusConnection.open(priv, false));
      return new SystemdManager(DbusConnection.open('/run/dbus/system_bus_socket', true));
    } catch (e) {
      throw new CgroupError(`systemd cgroup driver: cannot connect to systemd: ${(e as Error).message}`);
    }
  }

  private static connectUser(): SystemdManager {
    const xdg = process.env.XDG_RUNTIME_DIR;
    const session = /^unix:path=([^,;]+)/.exec(process.env.DBUS_SESSION_BUS_ADDRESS ?? '')?.[1];
    const priv = xdg ? `${xdg}/systemd/private` : undefined;
    const bus = session ?? (xdg ? `${xdg}/bus` : undefined);
    try {
      if (priv && existsSync(priv)) return new SystemdManager(DbusConnection.open(priv, false));
      if (bus && existsSync(bus)) return new SystemdManager(DbusConnection.open(bus, true));
    } catch (e) {
      throw new CgroupError(`systemd cgroup driver: cannot connect to the user's systemd manager: ${(e as Error).message}`);
    }
    throw new CgroupError(
      `systemd cgroup driver: not root, berth uses the user's systemd manager (systemd --user), and finds none: ${xdg ? `no ${priv} or ${bus}` : 'XDG_RUNTIME_DIR is not set'}`,
    );
  }

  close(): void {
    this.conn.close();
  }

  private manager(member: string, signature: string, args: DbusValue[]): DbusValue[] {
    const t0 = Date.now();
    try {
      return this.conn.call({ destination: DEST, path: MANAGER_PATH, iface: MANAGER, member, signature, args });
    } finally {
      log.debug(`systemd: ${member}(${typeof args[0] === 'string' ? args[0] : ''}) answered in ${Date.now() - t0} ms`);
    }
  }

  /** The unit's object path, undefined when no such unit is loaded. */
  unitPath(unit: string): string | undefined {
    try {
      return String(this.manager('GetUnit', 's', [unit])[0]);
    } catch (e) {
      if (e instanceof DbusError && e.name === NO_SUCH_UNIT) return undefined;
      throw e;
    }
  }

  property(path: string, iface: string, name: string): DbusValue {
    const [v] = this.conn.call({
      destination: DEST, path, iface: 'org.freedesktop.DBus.Properties', member: 'Get', signature: 'ss', args: [iface, name],
    });
    return (v as Variant).value;
  }

  /** The unit's ActiveState; "gone" when it is not loaded (or was unloaded between the calls). */
  activeState(unit: string): string {
    const path = this.unitPath(unit);
    if (!path) return 'gone';
    try {
      return String(this.property(path, 'org.freedesktop.systemd1.Unit', 'ActiveState'));
    } catch (e) {
      if (e instanceof DbusError && this.unitPath(unit) === undefined) return 'gone';
      throw e;
    }
  }

  /** StartTransientUnit(name, "replace", props), then wait (up to timeoutMs) until active. */
  startScope(unit: string, props: DbusValue[], timeoutMs = 30_000): void {
    this.manager('StartTransientUnit', 'ssa(sv)a(sa(sv))', [unit, 'replace', props, []]);
    const end = Date.now() + timeoutMs;
    for (;;) {
      const state = this.activeState(unit);
      if (state === 'active') return;
      if (state === 'failed' || Date.now() > end) {
        throw new CgroupError(`systemd cgroup driver: the scope ${unit} did not start (state ${state})`);
      }
      sleepMs(10);
    }
  }

  /** Manager.Version ("252.39-1~deb12u1"). */
  version(): string {
    return String(this.property(MANAGER_PATH, MANAGER, 'Version'));
  }

  /** SetUnitProperties(unit, runtime, props): systemd applies them to the unit's cgroup too. */
  setUnitProperties(unit: string, props: DbusValue[], runtime = true): void {
    if (props.length) this.manager('SetUnitProperties', 'sba(sv)', [unit, runtime, props]);
  }

  /** The scope's cgroup, relative to the cgroup2 root ("/system.slice/x.scope"). */
  controlGroup(unit: string): string {
    const path = this.unitPath(unit);
    if (!path) throw new CgroupError(`systemd cgroup driver: the unit ${unit} is not loaded`);
    return String(this.property(path, 'org.freedesktop.systemd1.Scope', 'ControlGroup'));
  }

  /** StopUnit (a unit that is not loaded is fine), ResetFailedUnit, then wait until unloaded. */
  stopUnit(unit: string, timeoutMs = 30_000): void {
    try {
      this.manager('StopUnit', 'ss', [unit, 'replace']);
    } catch (e) {
      if (e instanceof DbusError && e.name === NO_SUCH_UNIT) return;
      throw e;
    }
    const end = Date.now() + timeoutMs;
    for (;;) {
      const state = this.activeState(unit);
      if (state === 'gone') return;
      if (state !== 'active' && state !== 'deactivating') log.debug(`systemd: ${unit} is ${state}`);
      if (state === 'failed') {
        try {
          this.manager('ResetFailedUnit', 's', [unit]);
        } catch {
          // unloaded meanwhile
        }
      } else if (state === 'inactive') return; // stopped: its cgroup is gone
      if (Date.now() > end) throw new CgroupError(`systemd cgroup driver: the unit ${unit} did not stop (state ${state})`);
      sleepMs(10);
    }
  }
}
