import { describe, expect, it } from 'vitest';
import {
  buildKeyring,
  globMatch,
  keyMatchesImage,
  lookupKeyring,
  normalizeKeyringKey,
} from '../../../src/registry/credentials/keyring.js';

/** [secret key, image host, image repository, matches] — cases from kubelet keyring_test.go and images.md. */
const MATCHES: [string, string, string, boolean][] = [
  ['quay.io', 'quay.io', 'foo/bar', true],
  ['https://quay.io', 'quay.io', 'foo/bar', true],
  ['http://quay.io', 'quay.io', 'foo/bar', true],
  ['https://quay.io/v1/', 'quay.io', 'foo/bar', true],
  ['https://quay.io/v2/', 'quay.io', 'foo/bar', true],
  ['quay.io/foo', 'quay.io', 'foo/bar', true],
  ['quay.io/foo', 'quay.io', 'foobar/x', true], // string prefix, as the kubelet does
  ['quay.io/foo/bar', 'quay.io', 'foo/baz', false],
  ['quay.io/foo', 'quay.io', 'other/bar', false],
  ['quay.io', 'quay.io:5000', 'foo/bar', false],
  ['quay.io:5000', 'quay.io', 'foo/bar', false],
  ['quay.io:5000', 'quay.io:5000', 'foo/bar', true],
  ['127.0.0.1:5000', '127.0.0.1:5000', 'x', true],
  ['*.kubernetes.io', 'abc.kubernetes.io', 'x', true],
  ['*.kubernetes.io', 'kubernetes.io', 'x', false],
  ['*.*.kubernetes.io', 'abc.kubernetes.io', 'x', false],
  ['*.*.kubernetes.io', 'a.b.kubernetes.io', 'x', true],
  ['prefix.*.io', 'prefix.kubernetes.io', 'x', true],
  ['*-good.kubernetes.io', 'prefix-good.kubernetes.io', 'x', true],
  ['*-good.kubernetes.io', 'prefix-bad.kubernetes.io', 'x', false],
  ['registry?.example.com', 'registry1.example.com', 'x', false], // Go's url.Parse: `?` starts the query
  ['registry?.example.com', 'registry', 'x', true],
  ['registry[0-9].example.com', 'registry7.example.com', 'x', true],
  ['registry[^0-9].example.com', 'registry7.example.com', 'x', false],
  ['QUAY.IO', 'quay.io', 'x', true],
  // Every Docker Hub spelling means docker.io.
  ['https://index.docker.io/v1/', 'docker.io', 'library/nginx', true],
  ['index.docker.io', 'docker.io', 'library/nginx', true],
  ['docker.io', 'docker.io', 'library/nginx', true],
  ['registry-1.docker.io', 'docker.io', 'library/nginx', true],
  ['docker.io/myorg', 'docker.io', 'myorg/app', true],
  ['docker.io/myorg', 'docker.io', 'library/nginx', false],
  ['https://index.docker.io/v1/', 'ghcr.io', 'library/nginx', false],
];

describe('kubelet keyring matching', () => {
  it.each(MATCHES)('key %s vs %s/%s → %s', (key, host, repository, expected) => {
    const k = normalizeKeyringKey({ key, value: 1 });
    expect(k).toBeDefined();
    expect(keyMatchesImage(k!, host, `/${repository}`)).toBe(expected);
  });

  it('normalizes keys like BasicDockerKeyring.Add', () => {
    const norm = (key: string) => normalizeKeyringKey({ key, value: 0 })?.normalized;
    expect(norm('https://index.docker.io/v1/')).toBe('docker.io');
    expect(norm('quay.io/v2/')).toBe('quay.io');
    expect(norm('quay.io/foo/')).toBe('quay.io/foo/');
    expect(norm('http://reg.example.com:5000/team')).toBe('reg.example.com:5000/team');
    expect(norm('https://')).toBeUndefined();
  });

  it('returns every match most specific first, in input order among equal keys', () => {
    const ring = buildKeyring([
      { key: 'quay.io', value: 'host' },
      { key: 'quay.io/foo/bar', value: 'repo' },
      { key: '*.io', value: 'glob' },
      { key: 'quay.io/foo', value: 'namespace' },
      { key: 'https://quay.io', value: 'host-again' },
      { key: 'gcr.io', value: 'other' },
    ]);
    expect(lookupKeyring(ring, 'quay.io', 'foo/bar').map((k) => k.value)).toEqual([
      'repo',
      'namespace',
      'host',
      'host-again',
      'glob',
    ]);
    expect(lookupKeyring(ring, 'quay.io', 'zzz/app').map((k) => k.value)).toEqual([
      'host',
      'host-again',
      'glob',
    ]);
    expect(lookupKeyring(ring, 'ghcr.io', 'foo/bar').map((k) => k.value)).toEqual(['glob']);
    expect(lookupKeyring(ring, 'example.com', 'x')).toEqual([]);
  });

  it('globMatch follows filepath.Match for labels', () => {
    expect(globMatch('a*c', 'abbc')).toBe(true);
    expect(globMatch('a\\*c', 'a*c')).toBe(true);
    expect(globMatch('a\\*c', 'abc')).toBe(false);
    expect(globMatch('[', 'x')).toBe(false);
    expect(globMatch('a.c', 'abc')).toBe(false);
  });
});
