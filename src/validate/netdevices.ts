import type { Report } from './findings.js';
import { pointer } from './pointer.js';
import { isNameTemplate, netDeviceNameProblem } from '../netdev/names.js';

/**
 * config-linux.md "Network Devices": each key names a host device, each `name` the device inside
 * (a template with "%d" allowed); both must be names the kernel takes, and two devices may not
 * end up with one name in the container (the kernel would refuse the second move).
 */
export function checkNetDevices(linux: any, r: Report): void {
  const seen = new Map<string, string>();
  for (const [host, d] of Object.entries<any>(linux.netDevices ?? {})) {
    const at = pointer('linux', 'netDevices', host);
    const hostProblem = netDeviceNameProblem(host, false);
    if (hostProblem) r.error(at, `${JSON.stringify(host)} is not a network device name: ${hostProblem}`);
    const given = typeof d?.name === 'string' && d.name !== '';
    const nameProblem = given ? netDeviceNameProblem(d.name, true) : undefined;
    if (nameProblem) r.error(`${at}/name`, `${JSON.stringify(d.name)} is not a network device name: ${nameProblem}`);
    const name: string = given ? d.name : host;
    if (hostProblem || nameProblem || isNameTemplate(name)) continue;
    const first = seen.get(name);
    if (first !== undefined) r.error(given ? `${at}/name` : at, `${JSON.stringify(name)} is also the container's name for ${first}`);
    else seen.set(name, at);
  }
}
