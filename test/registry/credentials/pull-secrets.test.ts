import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePullSecrets } from '../../../src/registry/credentials/pull-secrets.js';

const fixture = (name: string) =>
  readFileSync(join(import.meta.dirname, '../../../fixtures/credentials', name)).toString('base64');

describe('parsePullSecrets', () => {
  it('reads dockerconfigjson and dockercfg secrets, ignoring tokens as the kubelet does', () => {
    const r = parsePullSecrets([
      {
        name: 'regcred',
        namespace: 'apps',
        type: 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': fixture('pull-secret-dockerconfigjson.json') },
      },
      {
        name: 'legacy',
        type: 'kubernetes.io/dockercfg',
        data: { '.dockercfg': fixture('pull-secret-dockercfg.json') },
      },
    ]);
    expect(r.warnings).toEqual([]);
    expect(r.inputs.map((i) => [i.key, i.value.fields.username, i.value.source])).toEqual([
      ['quay.io', 'quayuser', 'pull secret "apps/regcred" (.dockerconfigjson entry "quay.io")'],
      ['quay.io/team', 'teamuser', 'pull secret "apps/regcred" (.dockerconfigjson entry "quay.io/team")'],
      [
        '*.corp.example.com',
        'corpuser',
        'pull secret "apps/regcred" (.dockerconfigjson entry "*.corp.example.com")',
      ],
      [
        'https://index.docker.io/v1/',
        'hub-from-secret',
        'pull secret "apps/regcred" (.dockerconfigjson entry "https://index.docker.io/v1/")',
      ],
      [
        'registry.legacy.example.com:5000',
        'legacyuser',
        'pull secret "legacy" (.dockercfg entry "registry.legacy.example.com:5000")',
      ],
    ]);
    expect(r.secrets).toEqual(expect.arrayContaining(['quaypass', 'teampass', 'legacypass']));
  });

  it('warns about unusable secrets and entries, naming them but never the secret', () => {
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64');
    const r = parsePullSecrets([
      { name: 'opaque', type: 'Opaque', data: { '.dockerconfigjson': enc({ auths: {} }) } },
      { name: 'nokey', type: 'kubernetes.io/dockerconfigjson', data: { other: 'x' } },
      {
        name: 'notjson',
        type: 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': 'bm90IGpzb24=' },
      },
      {
        name: 'noauths',
        type: 'kubernetes.io/dockerconfigjson',
        data: { '.dockerconfigjson': enc({ x: 1 }) },
      },
      {
        name: 'badentry',
        type: 'kubernetes.io/dockerconfigjson',
        data: {
          '.dockerconfigjson': enc({
            auths: {
              'a.io': { auth: Buffer.from('s3cret-no-colon').toString('base64') },
              'b.io': { username: 'u', password: 'p' },
            },
          }),
        },
      },
    ]);
    expect(r.warnings).toEqual([
      'pull secret "opaque" has type "Opaque", which the kubelet does not use for pulls; it is ignored. Use type kubernetes.io/dockerconfigjson.',
      'pull secret "nokey" has no ".dockerconfigjson" data key; it is ignored.',
      'pull secret "notjson": ".dockerconfigjson" is not base64-encoded JSON; it is ignored.',
      'pull secret "noauths": ".dockerconfigjson" has no "auths" map; it is ignored.',
      'pull secret "badentry": entry "a.io" in .dockerconfigjson is ignored: "auth" does not decode to "username:password".',
    ]);
    expect(r.inputs.map((i) => i.key)).toEqual(['b.io']);
    expect(r.warnings.join('\n')).not.toContain('s3cret');
  });
});
