import { describe, it, expect } from 'vitest';
import type { ErrorObject } from 'ajv';
import { renderSchemaError } from '../../src/validate/render.js';
import { pointer } from '../../src/validate/pointer.js';
import { compareSemver, parseSemver } from '../../src/validate/semver.js';

const err = (keyword: string, instancePath: string, params: Record<string, unknown>, extra: Partial<ErrorObject> = {}): ErrorObject =>
  ({ keyword, instancePath, schemaPath: '#', params, ...extra }) as ErrorObject;

describe('renderSchemaError', () => {
  it('one line: file, JSON pointer, message', () => {
    expect(renderSchemaError('config.json', err('enum', '/linux/namespaces/2/type', { allowedValues: ['pid', 'network'] }))).toBe(
      'config.json: /linux/namespaces/2/type: must be one of pid, network',
    );
    expect(renderSchemaError('config.json', err('required', '/process', { missingProperty: 'cwd' }))).toBe('config.json: /process/cwd: is required');
    expect(renderSchemaError('f.json', err('additionalProperties', '', { additionalProperty: 'a/b' }))).toBe('f.json: /a~1b: is not allowed here');
    expect(renderSchemaError('f.json', err('type', '', { type: ['array', 'null'] }))).toBe('f.json: /: must be array or null');
    expect(renderSchemaError('f.json', err('maximum', '/x', { comparison: '<=', limit: 7 }))).toBe('f.json: /x: must be <= 7');
    expect(renderSchemaError('f.json', err('minItems', '/x', { limit: 2 }))).toBe('f.json: /x: must have at least 2 items');
    expect(renderSchemaError('f.json', err('pattern', '/x', { pattern: '^a$' }))).toBe('f.json: /x: must match ^a$');
    expect(renderSchemaError('f.json', err('enum', '/m', { allowedValues: ['a'] }, { propertyName: 'k' }))).toBe('f.json: /m/k: key must be one of a');
    expect(renderSchemaError('f.json', err('custom', '/x', {}, { message: 'is odd' }))).toBe('f.json: /x: is odd');
    expect(renderSchemaError('f.json', err('custom', '/x', {}))).toBe('f.json: /x: fails custom');
  });
});

describe('pointer', () => {
  it('escapes ~ and / (RFC 6901)', () => {
    expect(pointer('linux', 'sysctl', 'a/b~c', 0)).toBe('/linux/sysctl/a~1b~0c/0');
    expect(pointer()).toBe('');
  });
});

describe('semver', () => {
  it('parses SemVer 2.0.0 only', () => {
    expect(parseSemver('1.2.3-rc.1+build.5')).toEqual({ major: 1, minor: 2, patch: 3, prerelease: ['rc', '1'] });
    for (const bad of ['1.2', 'v1.2.3', '01.2.3', '1.2.3-', '1.2.3-01', '', 1]) expect(parseSemver(bad), String(bad)).toBeUndefined();
  });

  it('orders by precedence (semver.org §11)', () => {
    const order = ['1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.1.0', '2.0.0'];
    for (let i = 0; i + 1 < order.length; i++) {
      expect(compareSemver(parseSemver(order[i])!, parseSemver(order[i + 1])!), `${order[i]} < ${order[i + 1]}`).toBeLessThan(0);
      expect(compareSemver(parseSemver(order[i + 1])!, parseSemver(order[i])!)).toBeGreaterThan(0);
    }
    expect(compareSemver(parseSemver('1.0.0+a')!, parseSemver('1.0.0+b')!)).toBe(0);
  });
});
