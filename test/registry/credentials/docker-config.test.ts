import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  findAuthEntry,
  findCredHelper,
  helperServerUrl,
  parseDockerConfig,
} from '../../../src/registry/credentials/docker-config.js';
import { convertToHostname, splitCredentialKey } from '../../../src/registry/credentials/hosts.js';

const FIXTURE = join(import.meta.dirname, '../../../fixtures/credentials/docker-config.json');
const config = parseDockerConfig(readFileSync(FIXTURE, 'utf8'), 'docker config fixture');

describe('parseDockerConfig', () => {
  it('reads auths, credHelpers and credsStore, and warns about broken entries without the secret', () => {
    expect(config.auths.map((a) => a.key)).toEqual([
      'https://index.docker.io/v1/',
      'https://ghcr.io/v2/',
      'oauth.example.com',
      'bearer.example.com',
      '127.0.0.1:5000',
    ]);
    expect(config.emptyAuthKeys).toEqual(['desktop.example.com']);
    expect(config.credHelpers).toEqual({
      'helped.example.com': 'testhelper',
      'ecr.example.com': 'ecr-login',
    });
    expect(config.credsStore).toBe('desktop');
    expect(config.warnings).toEqual([
      'docker config fixture: auths entry "broken.example.com" is ignored: "auth" does not decode to "username:password".',
    ]);
    expect(config.secrets).toEqual(
      expect.arrayContaining([
        'hubpass',
        'ghpass',
        'refresh-abc',
        'bearer-xyz',
        'local:pass',
        'bm8tY29sb24taGVyZQ==',
      ]),
    );
  });

  it.each([
    ['not json', 'x is not valid JSON; its credentials are ignored. Fix or remove the file.'],
    ['[]', 'x is not a JSON object; its credentials are ignored.'],
    ['{"auths": 3}', 'x: "auths" is not an object; it is ignored.'],
    [
      '{"credHelpers": {"a.io": "../../bin/sh"}}',
      'x: credHelpers entry "a.io" is not a helper name; it is ignored.',
    ],
    ['{"credsStore": 5}', 'x: "credsStore" is not a helper name; it is ignored.'],
  ])('warns for %s', (text, warning) => {
    expect(parseDockerConfig(text, 'x').warnings).toEqual([warning]);
  });
});

describe('lookups', () => {
  it.each([
    ['docker.io', 'https://index.docker.io/v1/', 'hubuser'],
    ['index.docker.io', 'https://index.docker.io/v1/', 'hubuser'],
    ['ghcr.io', 'https://ghcr.io/v2/', 'ghuser'], // ConvertToHostname match
    ['127.0.0.1:5000', '127.0.0.1:5000', 'localuser'],
    ['oauth.example.com', 'oauth.example.com', undefined],
  ])('auths for %s is %s', (host, key, username) => {
    const entry = findAuthEntry(config, host);
    expect(entry?.key).toBe(key);
    expect(entry?.fields.username).toBe(username);
  });

  it('finds nothing for other hosts and ports', () => {
    expect(findAuthEntry(config, '127.0.0.1:5001')).toBeUndefined();
    expect(findAuthEntry(config, 'quay.io')).toBeUndefined();
  });

  it('prefers the exact key over a hostname match', () => {
    const c = parseDockerConfig(
      JSON.stringify({
        auths: {
          'https://reg.io/v1/': { username: 'a', password: 'x' },
          'reg.io': { username: 'b', password: 'y' },
        },
      }),
      'x',
    );
    expect(findAuthEntry(c, 'reg.io')?.fields.username).toBe('b');
  });

  it('finds credHelpers by host and computes the helper server URL', () => {
    expect(findCredHelper(config, 'helped.example.com')).toBe('testhelper');
    expect(findCredHelper(config, 'ghcr.io')).toBeUndefined();
    const hub = parseDockerConfig('{"credHelpers":{"https://index.docker.io/v1/":"hubby"}}', 'x');
    expect(findCredHelper(hub, 'docker.io')).toBe('hubby');
    expect(helperServerUrl('docker.io')).toBe('https://index.docker.io/v1/');
    expect(helperServerUrl('ghcr.io')).toBe('ghcr.io');
  });
});

describe('host keys', () => {
  it.each([
    ['https://index.docker.io/v1/', 'index.docker.io'],
    ['http://reg.io:5000/x/y', 'reg.io:5000'],
    ['reg.io', 'reg.io'],
  ])('ConvertToHostname(%s) = %s', (key, host) => {
    expect(convertToHostname(key)).toBe(host);
  });

  it.each([
    ['https://index.docker.io/v1/', { host: 'docker.io', path: '' }],
    ['registry-1.docker.io/myorg', { host: 'docker.io', path: 'myorg' }],
    ['GHCR.io/Org/', { host: 'ghcr.io', path: 'Org' }],
    ['127.0.0.1:5000/v2/', { host: '127.0.0.1:5000', path: '' }],
  ])('splitCredentialKey(%s)', (key, expected) => {
    expect(splitCredentialKey(key)).toEqual(expected);
  });
});
