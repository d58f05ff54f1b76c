import { BerthError } from '../errors.js';

const ID_RE = /^[A-Za-z0-9_+\-.]+$/;

/** Container ids as runc accepts them: letters, digits, `_+-.`; never a path or "."/"..". */
export function checkId(id: unknown): string {
  if (typeof id !== 'string' || id.length === 0) throw new BerthError('container id cannot be empty');
  if (id === '.' || id === '..' || !ID_RE.test(id) || id.length > 1024) {
    throw new BerthError(`invalid container id ${JSON.stringify(id)}: use letters, digits and _ + - . only`);
  }
  return id;
}

/** Whether name is a container id checkId accepts. */
export function isId(name: string): boolean {
  return name.length <= 1024 && name !== '.' && name !== '..' && ID_RE.test(name);
}
