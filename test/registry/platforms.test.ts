import { describe, expect, it } from 'vitest';
import {
  formatPlatform,
  missingPlatforms,
  normalizePlatform,
  parsePlatform,
  platformOfConfig,
  platformsOfIndex,
} from '../../src/registry/platforms.js';

describe('normalizePlatform', () => {
  const cases: [Parameters<typeof normalizePlatform>[0], string][] = [
    [{ os: 'linux', architecture: 'aarch64' }, 'linux/arm64'],
    [{ os: 'linux', architecture: 'arm64', variant: 'v8' }, 'linux/arm64'],
    [{ os: 'linux', architecture: 'arm64', variant: '8' }, 'linux/arm64'],
    [{ os: 'linux', architecture: 'arm64', variant: 'v8.2' }, 'linux/arm64/v8.2'],
    [{ os: 'Linux', architecture: 'x86_64' }, 'linux/amd64'],
    [{ os: 'linux', architecture: 'x86-64' }, 'linux/amd64'],
    [{ os: 'linux', architecture: 'amd64', variant: 'v1' }, 'linux/amd64'],
    [{ os: 'linux', architecture: 'amd64', variant: 'v3' }, 'linux/amd64/v3'],
    [{ os: 'linux', architecture: 'arm' }, 'linux/arm/v7'],
    [{ os: 'linux', architecture: 'arm', variant: '6' }, 'linux/arm/v6'],
    [{ os: 'linux', architecture: 'armhf' }, 'linux/arm/v7'],
    [{ os: 'windows', architecture: 'amd64' }, 'windows/amd64'],
  ];
  for (const [input, want] of cases)
    it(`${JSON.stringify(input)} → ${want}`, () =>
      expect(formatPlatform(normalizePlatform(input))).toBe(want));
});

describe('parsePlatform', () => {
  it('parses os/arch and os/arch/variant', () => {
    expect(parsePlatform('linux/arm64/v8')).toEqual({ os: 'linux', architecture: 'arm64' });
    expect(parsePlatform('linux/arm/v6')).toEqual({ os: 'linux', architecture: 'arm', variant: 'v6' });
  });
  for (const bad of ['linux', 'linux/', '/amd64', 'a/b/c/d', ''])
    it(`rejects ${JSON.stringify(bad)}`, () => expect(parsePlatform(bad)).toBeUndefined());
});

const buildxIndex = {
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.index.v1+json',
  manifests: [
    { digest: 'sha256:a', platform: { os: 'linux', architecture: 'amd64' } },
    { digest: 'sha256:b', platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    {
      digest: 'sha256:c',
      platform: { os: 'unknown', architecture: 'unknown' },
      annotations: {
        'vnd.docker.reference.type': 'attestation-manifest',
        'vnd.docker.reference.digest': 'sha256:a',
      },
    },
    { digest: 'sha256:d', platform: { os: 'linux', architecture: 'amd64' } },
    { digest: 'sha256:e' },
  ],
};

describe('platformsOfIndex', () => {
  it('lists runnable platforms without attestations or duplicates', () => {
    expect(platformsOfIndex(buildxIndex).map(formatPlatform)).toEqual(['linux/amd64', 'linux/arm64']);
  });
  it('tolerates garbage', () => {
    expect(platformsOfIndex(null)).toEqual([]);
    expect(platformsOfIndex({ manifests: 'x' })).toEqual([]);
  });
});

describe('missingPlatforms', () => {
  const available = platformsOfIndex(buildxIndex);
  const cases: [string[], string[]][] = [
    [['linux/amd64', 'linux/arm64'], []],
    [['linux/arm64/v8'], []],
    [['linux/aarch64'], []],
    [['linux/amd64', 'linux/s390x'], ['linux/s390x']],
    [['linux/arm/v7'], ['linux/arm/v7']],
    [['unknown/unknown'], ['unknown/unknown']],
  ];
  for (const [wanted, want] of cases)
    it(`${wanted.join(',')} → [${want.join(',')}]`, () =>
      expect(missingPlatforms(wanted, available)).toEqual(want));
  it('attestation-only index satisfies nothing real', () => {
    const onlyAttestation = platformsOfIndex({ manifests: [buildxIndex.manifests[2]] });
    expect(missingPlatforms(['linux/amd64'], onlyAttestation)).toEqual(['linux/amd64']);
  });
  it('a wanted variant must match', () => {
    expect(
      missingPlatforms(
        ['linux/arm/v6'],
        [normalizePlatform({ os: 'linux', architecture: 'arm', variant: 'v7' })],
      ),
    ).toEqual(['linux/arm/v6']);
  });
});

describe('platformOfConfig', () => {
  it('reads os/architecture/variant', () => {
    expect(platformOfConfig({ os: 'linux', architecture: 'aarch64', variant: 'v8' })).toEqual({
      os: 'linux',
      architecture: 'arm64',
    });
  });
  it('undefined without os', () => expect(platformOfConfig({ architecture: 'amd64' })).toBeUndefined());
});
