import { describe, expect, it } from 'vitest';
import { decodeAuthField, parseCredentialEntry, secretsOf } from '../../../src/registry/credentials/entry.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('decodeAuthField', () => {
  it.each([
    [b64('user:pass'), { username: 'user', password: 'pass' }],
    [b64('user:pa:ss'), { username: 'user', password: 'pa:ss' }], // split at the first ':'
    [b64('user:'), { username: 'user', password: '' }],
    [b64('user:pass').replace(/=+$/, ''), { username: 'user', password: 'pass' }], // unpadded
    [b64('user:pass\0\0'), { username: 'user', password: 'pass' }], // trailing NULs trimmed
    [b64('nocolon'), { error: '"auth" does not decode to "username:password"' }],
    [b64(':pass'), { error: '"auth" has an empty username' }],
    ['!!!not base64', { error: '"auth" is not valid base64' }],
  ])('%s', (input, expected) => {
    expect(decodeAuthField(input)).toEqual(expected);
  });
});

describe('parseCredentialEntry', () => {
  it('prefers auth over username/password and keeps tokens', () => {
    const r = parseCredentialEntry({ auth: b64('a:b'), username: 'x', password: 'y', identitytoken: 'tok' });
    expect(r).toMatchObject({ ok: true, fields: { username: 'a', password: 'b', identityToken: 'tok' } });
    expect(r.secrets).toEqual(expect.arrayContaining([b64('a:b'), 'y', 'b', 'tok', b64('tok')]));
  });

  it('ignores tokens when asked (kubelet) and reports empty entries as no credential', () => {
    expect(parseCredentialEntry({ identitytoken: 'tok' }, { tokens: false })).toMatchObject({
      ok: true,
      fields: undefined,
    });
    expect(parseCredentialEntry({ email: 'a@b' })).toMatchObject({ ok: true, fields: undefined });
    expect(parseCredentialEntry({ registrytoken: 'rt' })).toMatchObject({
      ok: true,
      fields: { registryToken: 'rt' },
    });
  });

  it('rejects malformed entries with messages that do not contain the secret', () => {
    const bad = parseCredentialEntry({ password: 'hunter2' });
    expect(bad).toMatchObject({ ok: false, error: '"password" is set without "username"' });
    expect(bad.secrets).toContain('hunter2');
    expect(parseCredentialEntry('str')).toMatchObject({ ok: false, error: 'the entry is not an object' });
    const badAuth = parseCredentialEntry({ auth: b64('hunter2') });
    expect(badAuth.ok).toBe(false);
    expect(JSON.stringify(badAuth.ok ? '' : badAuth.error)).not.toContain('hunter2');
  });

  it('secretsOf lists each secret, its base64 and the Basic header value', () => {
    expect(secretsOf({ username: 'u', password: 'p' }).sort()).toEqual(['p', b64('p'), b64('u:p')].sort());
  });
});
