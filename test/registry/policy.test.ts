import { describe, expect, it } from 'vitest';
import {
  apiHost,
  canonicalRegistry,
  checkRealm,
  decideEndpoints,
  isLoopbackHost,
  isRefusedAddress,
  matchesRegistryList,
  type PolicyOptions,
  splitHostPort,
} from '../../src/registry/policy.js';

const base: PolicyOptions = {
  allowedRegistries: [],
  insecureRegistries: [],
  plainHttpRegistries: [],
  mirrors: {},
  allowLinkLocal: false,
};

describe('isRefusedAddress', () => {
  const cases: [string, boolean][] = [
    ['169.254.169.254', true],
    ['169.254.0.1', true],
    ['169.255.0.1', false],
    ['10.0.0.1', false],
    ['127.0.0.1', false],
    ['fd00:ec2::254', true],
    ['[fd00:ec2::254]', true],
    ['FD00:0EC2:0:0:0:0:0:254', true],
    ['fd00:ec2::253', false],
    ['fe80::1', true],
    ['fe80::1%eth0', true],
    ['febf::1', true],
    ['fec0::1', false],
    ['::ffff:169.254.169.254', true],
    ['::ffff:a9fe:a9fe', true],
    ['::ffff:127.0.0.1', false],
    ['::a9fe:a9fe', true],
    ['::169.254.169.254', true],
    ['64:ff9b::a9fe:a9fe', true],
    ['64:ff9b::169.254.169.254', true],
    ['64:ff9b::808:808', false],
    ['2002:a9fe:a9fe::1', true],
    ['2002:808:808::1', false],
    ['::', false],
    ['::1', false],
    ['metadata.google.internal', false],
    // Alibaba Cloud's metadata service, outside 169.254.0.0/16.
    ['100.100.100.200', true],
    ['100.100.100.201', false],
    ['100.100.100.199', false],
    ['::ffff:100.100.100.200', true],
    ['::ffff:6464:64c8', true],
    ['::6464:64c8', true],
    ['64:ff9b::100.100.100.200', true],
    ['2002:6464:64c8::1', true],
    ['2002:6464:64c9::1', false],
  ];
  for (const [a, want] of cases) it(`${a} → ${want}`, () => expect(isRefusedAddress(a)).toBe(want));
});

describe('isLoopbackHost', () => {
  const cases: [string, boolean][] = [
    ['localhost', true],
    ['registry.localhost', true],
    ['127.0.0.1', true],
    ['127.5.6.7', true],
    ['::1', true],
    ['[::1]', true],
    ['128.0.0.1', false],
    ['example.com', false],
  ];
  for (const [h, want] of cases) it(`${h} → ${want}`, () => expect(isLoopbackHost(h)).toBe(want));
});

describe('host names', () => {
  it('Docker Hub aliases', () => {
    for (const h of ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'DOCKER.IO']) {
      expect(canonicalRegistry(h)).toBe('docker.io');
      expect(apiHost(h)).toBe('registry-1.docker.io');
    }
    expect(apiHost('ghcr.io')).toBe('ghcr.io');
  });
  it('splitHostPort', () => {
    expect(splitHostPort('localhost:5000')).toEqual({ hostname: 'localhost', port: 5000 });
    expect(splitHostPort('[::1]:5000')).toEqual({ hostname: '::1', port: 5000 });
    expect(splitHostPort('::1')).toEqual({ hostname: '::1' });
    expect(splitHostPort('ghcr.io')).toEqual({ hostname: 'ghcr.io' });
  });
  it('matchesRegistryList', () => {
    expect(matchesRegistryList('index.docker.io', ['docker.io'])).toBe(true);
    expect(matchesRegistryList('a.example.com:5000', ['*.example.com'])).toBe(true);
    expect(matchesRegistryList('example.com', ['*.example.com'])).toBe(false);
    expect(matchesRegistryList('ghcr.io', ['quay.io'])).toBe(false);
  });
});

describe('decideEndpoints', () => {
  it('Docker Hub goes to registry-1.docker.io over https', () => {
    expect(decideEndpoints('docker.io', base)).toEqual({
      ok: true,
      endpoints: [
        { host: 'registry-1.docker.io', scheme: 'https', insecure: false, credentialHost: 'docker.io' },
      ],
    });
  });
  it('loopback may fall back to plain HTTP', () => {
    const d = decideEndpoints('127.0.0.1:5000', base);
    expect(d.ok && d.endpoints[0]?.scheme).toBe('https-or-http');
    const l = decideEndpoints('localhost:5000', base);
    expect(l.ok && l.endpoints[0]?.scheme).toBe('https-or-http');
  });
  it('plain-http and insecure lists', () => {
    const d = decideEndpoints('reg.internal:5000', {
      ...base,
      plainHttpRegistries: ['reg.internal:5000'],
      insecureRegistries: ['other'],
    });
    expect(d).toEqual({
      ok: true,
      endpoints: [
        { host: 'reg.internal:5000', scheme: 'http', insecure: false, credentialHost: 'reg.internal:5000' },
      ],
    });
    const i = decideEndpoints('reg.internal', { ...base, insecureRegistries: ['reg.internal'] });
    expect(i.ok && i.endpoints[0]?.insecure).toBe(true);
  });
  it('allow-list skips others with the reason and the setting', () => {
    const d = decideEndpoints('quay.io', { ...base, allowedRegistries: ['ghcr.io', 'docker.io'] });
    expect(d.ok).toBe(false);
    expect(!d.ok && d.reason).toMatch(
      /quay\.io is not in allowed-registries \(ghcr\.io, docker\.io\); add it to that setting \(--allowed-registry\)/,
    );
    expect(decideEndpoints('index.docker.io', { ...base, allowedRegistries: ['docker.io'] }).ok).toBe(true);
  });
  it('refuses link-local and metadata hosts unless allowed', () => {
    for (const h of ['169.254.169.254', '169.254.169.254:80', '[fd00:ec2::254]', '[fe80::1]:5000']) {
      const d = decideEndpoints(h, base);
      expect(d.ok).toBe(false);
      expect(!d.ok && d.reason).toMatch(
        /link-local or cloud-metadata.*unless the allow-link-local setting \(--allow-link-local\) is on/,
      );
    }
    expect(decideEndpoints('169.254.169.254', { ...base, allowLinkLocal: true }).ok).toBe(true);
  });
  it('refuses non-canonical spellings of the metadata address (octal, decimal, hex, IPv4-mapped)', () => {
    for (const h of [
      '0251.0376.0251.0376:80',
      '2852039166:80',
      '0xa9fea9fe:80',
      '0xA9FEA9FE',
      '169.254.169.254.',
      '0xa9.0xfe.0xa9.0xfe',
      '[::ffff:a9fe:a9fe]',
      '[::ffff:a9fe:a9fe]:80',
    ]) {
      const d = decideEndpoints(h, base);
      expect(d.ok, h).toBe(false);
      expect(!d.ok && d.reason, h).toMatch(/link-local or cloud-metadata.*allow-link-local/);
    }
    expect(
      !decideEndpoints('0xa9fea9fe:80', base).ok && decideEndpoints('0xa9fea9fe:80', base),
    ).toMatchObject({
      reason: expect.stringMatching(/^0xa9fea9fe:80 \(169\.254\.169\.254\) is a link-local/),
    });
    const allowed = decideEndpoints('0xa9fea9fe:80', { ...base, allowLinkLocal: true });
    expect(allowed.ok && allowed.endpoints[0]?.host).toBe('169.254.169.254:80');
  });
  it("refuses Alibaba Cloud's metadata address 100.100.100.200 in every spelling", () => {
    for (const h of [
      '100.100.100.200',
      '100.100.100.200:80',
      '1684301000',
      '0x646464c8:80',
      '0144.0144.0144.0310',
      '100.100.100.200.',
      '[::ffff:6464:64c8]',
      '[64:ff9b::100.100.100.200]:80',
    ]) {
      const d = decideEndpoints(h, base);
      expect(d.ok, h).toBe(false);
      expect(!d.ok && d.reason, h).toMatch(/link-local or cloud-metadata.*allow-link-local/);
    }
    expect(decideEndpoints('100.100.100.201', base).ok).toBe(true);
    expect(checkRealm('http://100.100.100.200/latest/meta-data', 'http:', false)).toMatch(/link-local/);
  });
  it('a mirror with a non-canonical metadata spelling is dropped', () => {
    for (const m of ['0251.0376.0251.0376:80', '2852039166', 'http://0xa9fea9fe:80/']) {
      const d = decideEndpoints('docker.io', { ...base, mirrors: { 'docker.io': m } });
      expect(d.ok && d.endpoints.map((e) => e.host), m).toEqual(['registry-1.docker.io']);
    }
  });
  it('other hosts are connected to in canonical form, with the written port', () => {
    const d = decideEndpoints('0x7f000001:5000', base);
    expect(d.ok && d.endpoints[0]).toMatchObject({ host: '127.0.0.1:5000', scheme: 'https-or-http' });
    expect(decideEndpoints('', base)).toEqual({
      ok: false,
      reason: 'the reference names no registry host; fix the image reference.',
    });
    expect(decideEndpoints('a b', base)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not a valid/),
    });
  });
  it('mirror first, then upstream, with the namespace', () => {
    const d = decideEndpoints('docker.io', { ...base, mirrors: { 'docker.io': 'mirror.example.com' } });
    expect(d).toEqual({
      ok: true,
      endpoints: [
        {
          host: 'mirror.example.com',
          scheme: 'https',
          insecure: false,
          credentialHost: 'mirror.example.com',
          namespace: 'docker.io',
        },
        { host: 'registry-1.docker.io', scheme: 'https', insecure: false, credentialHost: 'docker.io' },
      ],
    });
  });
  it('IPv6 literal is bracketed', () => {
    const d = decideEndpoints('[::1]:5000', base);
    expect(d.ok && d.endpoints[0]?.host).toBe('[::1]:5000');
  });
});

describe('checkRealm', () => {
  it('accepts https and loopback http realms', () => {
    expect(checkRealm('https://auth.docker.io/token', 'https:', false)).toBeUndefined();
    expect(checkRealm('http://127.0.0.1:4000/token', 'https:', false)).toBeUndefined();
    expect(checkRealm('http://auth.internal/token', 'http:', false)).toBeUndefined();
  });
  it('refuses metadata, non-http and plain realms for https registries', () => {
    expect(checkRealm('http://169.254.169.254/latest/meta-data', 'http:', false)).toMatch(/link-local/);
    expect(checkRealm('http://[fd00:ec2::254]/', 'http:', false)).toMatch(/link-local/);
    expect(checkRealm('file:///etc/passwd', 'https:', false)).toMatch(/not http/);
    expect(checkRealm('not a url', 'https:', false)).toMatch(/not a URL/);
    expect(checkRealm('http://auth.example.com/token', 'https:', false)).toMatch(/plain-HTTP token realm/);
    expect(checkRealm('http://169.254.169.254/', 'http:', true)).toBeUndefined();
  });
});
