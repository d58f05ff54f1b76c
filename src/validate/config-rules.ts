import { checkAnnotations } from './annotations.js';
import { checkRoot } from './bundle.js';
import { checkDevices } from './devices.js';
import { Report, type Findings } from './findings.js';
import { checkHooks } from './hooks.js';
import { checkLinuxSettings } from './linux-settings.js';
import { checkMounts } from './mounts.js';
import { checkProcMounts } from './proc-mounts.js';
import { checkNamespaces } from './namespaces.js';
import { checkNetDevices } from './netdevices.js';
import { checkOciVersion } from './oci-version.js';
import { checkProcess } from './process-rules.js';
import { checkResources } from './resources.js';
import { checkSeccomp } from './seccomp.js';

export interface ConfigRuleOptions {
  file: string;
  bundleDir?: string;
  knownCaps?: ReadonlySet<string>;
  /** create/run need a process (config.md: REQUIRED when start is called). */
  requireProcess: boolean;
}

/**
 * What the schema cannot say, following the spec's MUST/SHOULD words (config.md,
 * config-linux.md). Runs on a document the schema accepted, so shapes and types are known.
 */
export function configRules(c: any, o: ConfigRuleOptions): Findings {
  const r = new Report(o.file);
  checkOciVersion(c.ociVersion, r);
  checkRoot(c, r, o.bundleDir);
  checkMounts(c, r);
  checkProcMounts(c, r, o.bundleDir);
  if (c.process !== undefined) checkProcess(c.process, r, '/process', o.knownCaps);
  else if (o.requireProcess) r.error('/process', 'is required to create a container');
  checkHooks(c, r);
  checkAnnotations(c, r);
  if (c.linux) {
    checkNamespaces(c.linux, r);
    checkNetDevices(c.linux, r);
    checkDevices(c.linux, r);
    checkResources(c.linux, r);
    checkSeccomp(c.linux, r);
    checkLinuxSettings(c.linux, r);
  }
  return r.findings();
}
