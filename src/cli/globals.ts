/** Global options, as runc takes them. */
export interface Globals {
  root: string;
  log?: string;
  logFormat: 'text' | 'json';
  debug: boolean;
  systemdCgroup: boolean;
  rootless: string;
}

export const DEFAULT_ROOT = '/run/berth';
