import { describe, expect, it } from 'vitest';
import { parseChallenges, pickChallenge } from '../../src/registry/challenge.js';

describe('parseChallenges', () => {
  const cases: [string, string | string[], ReturnType<typeof parseChallenges>][] = [
    [
      'Docker Hub bearer with scope',
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:samalba/my-app:pull,push"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:samalba/my-app:pull,push',
          },
        },
      ],
    ],
    [
      'insufficient_scope error',
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox2:pull",error="insufficient_scope"',
      [
        {
          scheme: 'bearer',
          params: {
            realm: 'https://auth.docker.io/token',
            service: 'registry.docker.io',
            scope: 'repository:library/busybox2:pull',
            error: 'insufficient_scope',
          },
        },
      ],
    ],
    [
      'gcr unquoted value',
      'Bearer realm="https://gcr.io/v2/token",service=gcr.io',
      [{ scheme: 'bearer', params: { realm: 'https://gcr.io/v2/token', service: 'gcr.io' } }],
    ],
    [
      'Basic then Bearer in one header (Quay)',
      'Basic realm="quay.io", Bearer realm="https://quay.io/v2/auth",service="quay.io"',
      [
        { scheme: 'basic', params: { realm: 'quay.io' } },
        { scheme: 'bearer', params: { realm: 'https://quay.io/v2/auth', service: 'quay.io' } },
      ],
    ],
    [
      'scheme case and spaces around =',
      'BEARER Realm = "https://r/t" , Service = x',
      [{ scheme: 'bearer', params: { realm: 'https://r/t', service: 'x' } }],
    ],
    [
      'escaped quote',
      'Basic realm="a \\"quoted\\" realm"',
      [{ scheme: 'basic', params: { realm: 'a "quoted" realm' } }],
    ],
    [
      'comma inside a quoted value',
      'Bearer realm="https://r/t",scope="repository:a:pull,push"',
      [{ scheme: 'bearer', params: { realm: 'https://r/t', scope: 'repository:a:pull,push' } }],
    ],
    ['bare Basic (pushgateway)', 'Basic', [{ scheme: 'basic', params: {} }]],
    [
      'repeated headers',
      ['Basic realm="x"', 'Bearer realm="https://y/token"'],
      [
        { scheme: 'basic', params: { realm: 'x' } },
        { scheme: 'bearer', params: { realm: 'https://y/token' } },
      ],
    ],
    ['token68', 'Negotiate abc==', [{ scheme: 'negotiate', params: { '': 'abc==' } }]],
    ['empty', '', []],
  ];
  for (const [name, header, want] of cases) {
    it(name, () => expect(parseChallenges(header)).toEqual(want));
  }
  it('undefined header', () => expect(parseChallenges(undefined)).toEqual([]));
});

describe('pickChallenge', () => {
  it('prefers Bearer with a realm over an earlier Basic', () => {
    expect(
      pickChallenge(
        parseChallenges('Basic realm="quay.io", Bearer realm="https://quay.io/v2/auth",service="quay.io"'),
      ),
    ).toEqual({
      scheme: 'bearer',
      realm: 'https://quay.io/v2/auth',
      service: 'quay.io',
    });
  });
  it('keeps the error and scope', () => {
    expect(pickChallenge(parseChallenges('Bearer realm="r",scope="s",error="insufficient_scope"'))).toEqual({
      scheme: 'bearer',
      realm: 'r',
      scope: 's',
      error: 'insufficient_scope',
    });
  });
  it('falls back to Basic when Bearer lacks a realm', () => {
    expect(pickChallenge(parseChallenges('Bearer service="x", Basic realm="b"'))).toEqual({
      scheme: 'basic',
      realm: 'b',
    });
  });
  it('returns undefined for unknown schemes', () =>
    expect(pickChallenge(parseChallenges('Negotiate abc=='))).toBeUndefined());
});
