import { describe, expect, it } from 'vitest';
import { parsePullSecretFile } from '../../../src/registry/credentials/pull-secret-file.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const CONFIG = b64(JSON.stringify({ auths: { 'reg.example.com': { auth: b64('u:p4ss-w0rd') } } }));

describe('parsePullSecretFile', () => {
  it('reads one Secret as kubectl get secret -o yaml prints it', () => {
    const text = `apiVersion: v1
data:
  .dockerconfigjson: ${CONFIG}
kind: Secret
metadata:
  name: regcred
  namespace: apps
type: kubernetes.io/dockerconfigjson
`;
    expect(parsePullSecretFile(text, 'secrets.yaml')).toEqual({
      secrets: [
        {
          name: 'regcred',
          namespace: 'apps',
          type: 'kubernetes.io/dockerconfigjson',
          data: { '.dockerconfigjson': CONFIG },
        },
      ],
      warnings: [],
    });
  });

  it('reads a JSON List, several YAML documents and stringData; skips what is not a Secret', () => {
    const list = JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          kind: 'Secret',
          metadata: { name: 'a' },
          type: 'kubernetes.io/dockercfg',
          data: { '.dockercfg': 'e30=' },
        },
        { kind: 'ConfigMap', metadata: { name: 'c' }, data: {} },
      ],
    });
    expect(parsePullSecretFile(list, 'l.json')).toEqual({
      secrets: [{ name: 'a', type: 'kubernetes.io/dockercfg', data: { '.dockercfg': 'e30=' } }],
      warnings: ['pull-secrets file l.json: the file, item 2 is a ConfigMap, not a Secret; it is ignored.'],
    });
    const docs = `kind: Secret
metadata: {name: one}
type: kubernetes.io/dockerconfigjson
stringData:
  .dockerconfigjson: '{"auths":{}}'
---
kind: SecretList
items:
  - kind: Secret
    metadata: {name: two}
    type: kubernetes.io/dockerconfigjson
    data: {.dockerconfigjson: "e30="}
`;
    const r = parsePullSecretFile(docs, 'd.yaml');
    expect(r.warnings).toEqual([]);
    expect(r.secrets.map((s) => [s.name, s.data['.dockerconfigjson']])).toEqual([
      ['one', b64('{"auths":{}}')],
      ['two', 'e30='],
    ]);
  });

  it('a malformed file is one warning naming the file, without quoting its content', () => {
    const r = parsePullSecretFile(
      'kind: Secret\ndata:\n  .dockerconfigjson: "s3cr3t-value\n  x: [',
      'bad.yaml',
    );
    expect(r.secrets).toEqual([]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(
      /^pull-secrets file bad\.yaml is not valid YAML or JSON \(\w+ at line \d+\); its pull secrets are ignored/,
    );
    expect(r.warnings[0]).not.toContain('s3cr3t');
  });

  it('an empty file or a bare scalar is a warning', () => {
    expect(parsePullSecretFile('', 'e.yaml').warnings[0]).toMatch(
      /^pull-secrets file e\.yaml holds no Secret/,
    );
    expect(parsePullSecretFile('42', 'n.yaml').warnings).toEqual([
      'pull-secrets file n.yaml: the file is not an object; it is ignored.',
    ]);
  });
});
