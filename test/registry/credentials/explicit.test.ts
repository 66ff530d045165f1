import { describe, expect, it } from 'vitest';
import { findExplicit, parseExplicitCredentials } from '../../../src/registry/credentials/explicit.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('parseExplicitCredentials', () => {
  it('reads YAML and JSON maps with every entry form', () => {
    const yaml = parseExplicitCredentials(`
ghcr.io:
  username: u1
  password: p1
"127.0.0.1:5000":
  auth: ${b64('u2:p2')}
docker.io: {identitytoken: it3}
https://reg.example.com/v2/: {registrytoken: rt4}
`);
    expect(yaml.warnings).toEqual([]);
    expect(yaml.entries.map((e) => [e.host, e.path, e.fields])).toEqual([
      ['ghcr.io', '', { username: 'u1', password: 'p1' }],
      ['127.0.0.1:5000', '', { username: 'u2', password: 'p2' }],
      ['docker.io', '', { identityToken: 'it3' }],
      ['reg.example.com', '', { registryToken: 'rt4' }],
    ]);
    expect(yaml.secrets).toEqual(expect.arrayContaining(['p1', 'p2', b64('u2:p2'), 'it3', 'rt4', b64('p1')]));

    const json = parseExplicitCredentials(
      JSON.stringify({ auths: { 'index.docker.io': { username: 'a', password: 'b' } } }),
    );
    expect(json.entries.map((e) => e.host)).toEqual(['docker.io']);
  });

  it('warns per bad entry without the secret and keeps the rest', () => {
    const r = parseExplicitCredentials(
      JSON.stringify({
        'a.io': 'hunter2',
        'b.io': { auth: b64('nocolonhunter2') },
        'c.io': { email: 'x@y' },
        'd.io': { username: 'ok', password: 'fine' },
      }),
    );
    expect(r.entries.map((e) => e.host)).toEqual(['d.io']);
    expect(r.warnings).toEqual([
      'registry-credentials (input, or K8S_IMAGE_CHECK_REGISTRY_CREDENTIALS for the CLI): entry "a.io" is a string; write {username, password} or {auth} instead.',
      'registry-credentials (input, or K8S_IMAGE_CHECK_REGISTRY_CREDENTIALS for the CLI): entry "b.io": "auth" does not decode to "username:password".',
      'registry-credentials (input, or K8S_IMAGE_CHECK_REGISTRY_CREDENTIALS for the CLI): entry "c.io" has no username, password, auth or token.',
    ]);
    expect(r.warnings.join('\n')).not.toContain('hunter2');
    expect(r.secrets).toContain('hunter2');
  });

  it.each([
    [
      '{not: [valid',
      'registry-credentials (input, or K8S_IMAGE_CHECK_REGISTRY_CREDENTIALS for the CLI) is neither valid JSON nor YAML',
    ],
    [
      '- a\n- b',
      'registry-credentials (input, or K8S_IMAGE_CHECK_REGISTRY_CREDENTIALS for the CLI) is not a map of host -> credentials; give {host: {username, password}}.',
    ],
  ])('rejects %s as a whole', (text, warning) => {
    const r = parseExplicitCredentials(text);
    expect(r.entries).toEqual([]);
    expect(r.warnings[0]).toContain(warning);
  });

  it('matches by host and namespace, most specific first', () => {
    const { entries } = parseExplicitCredentials(
      JSON.stringify({
        'reg.io': { username: 'host', password: 'x' },
        'reg.io/team': { username: 'team', password: 'x' },
        'reg.io/team/app': { username: 'app', password: 'x' },
      }),
    );
    const users = (repo: string) => findExplicit(entries, 'reg.io', repo).map((e) => e.fields.username);
    expect(users('team/app')).toEqual(['app', 'team', 'host']);
    expect(users('teamx/app')).toEqual(['host']);
    expect(findExplicit(entries, 'other.io', 'team/app')).toEqual([]);
  });
});
