import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createSecretRegistry,
  credentialForms,
  describeError,
  redactDeep,
  redactPatterns,
  secretForms,
} from '../src/secrets.js';
import { findLeakedSecrets } from './helpers/secret-scan.js';

describe('secret registry', () => {
  it('redacts a secret in every derived form: base64 (std, unpadded, url), percent, JSON and HTML escaped', () => {
    const r = createSecretRegistry();
    const s = 'pa ss/w:rd"<&>?';
    r.add(s);
    const forms = secretForms(s);
    expect(forms).toContain(Buffer.from(s).toString('base64'));
    expect(forms).toContain(Buffer.from(s).toString('base64url'));
    expect(forms).toContain(encodeURIComponent(s));
    expect(forms).toContain(JSON.stringify(s).slice(1, -1));
    expect(forms).toContain('pa ss/w:rd&quot;&lt;&amp;&gt;?');
    for (const f of forms) expect(r.redact(`x ${f} y`)).toBe('x *** y');
  });

  it('redacts the Basic and userinfo forms of a username and password', () => {
    const r = createSecretRegistry();
    r.addCredential({ username: 'ci-bot', secret: 'hunter2-pw' });
    const basic = Buffer.from('ci-bot:hunter2-pw').toString('base64');
    expect(credentialForms({ username: 'ci-bot', secret: 'hunter2-pw' })).toContain(basic);
    expect(r.redact(`Authorization: Basic ${basic}`)).not.toContain(basic);
    expect(r.redact(`echo ${basic.replace(/=+$/, '')}`)).toBe('echo ***');
    expect(r.redact('user ci-bot:hunter2-pw')).toBe('user ***');
  });

  it('registers each long line of a multi-line secret, ignores short and empty values', () => {
    const r = createSecretRegistry();
    r.add(
      '-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END KEY-----',
      '',
      null,
      undefined,
      'abc',
    );
    expect(r.redact('line MIIEvQIBADANBgkqhkiG9w0BAQEFAASC end')).toBe('line *** end');
    expect(r.redact('abc stays')).toBe('abc stays');
    // Structure lines of a kubeconfig are not secrets: masking them would garble every log line.
    r.add('apiVersion: v1\nkind: Config\ncurrent-context: production-cluster\n');
    expect(r.redact('kind: Config and current-context: production-cluster')).toBe(
      'kind: Config and current-context: production-cluster',
    );
  });

  it('calls the sink with every form, including the ones registered before it was installed', () => {
    const r = createSecretRegistry();
    r.add('early-secret');
    const seen: string[] = [];
    r.setSink((f) => seen.push(f));
    r.add('late-secret', 'late-secret');
    expect(seen).toContain('early-secret');
    expect(seen).toContain('late-secret');
    expect(seen).toContain(Buffer.from('late-secret').toString('base64'));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('redacts token-looking values it was never told about', () => {
    expect(redactPatterns('pull https://bob:hunter2@registry.example/v2/ failed')).toBe(
      'pull https://***@registry.example/v2/ failed',
    );
    expect(redactPatterns('Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.abc')).toBe('Authorization: ***');
    expect(redactPatterns('{"echo":"authorization: token ghs_abcdef123"}')).toBe(
      '{"echo":"authorization: ***"}',
    );
    expect(redactPatterns('header Bearer eyJhbGciOiJSUzI1NiJ9.abc sent')).toBe('header Bearer *** sent');
    expect(redactPatterns('Authorization: Basic dXNlcjpwYXNzd29yZA==')).toBe('Authorization: ***');
    expect(redactPatterns('got Basic dXNlcjpwYXNzd29yZA== back')).toBe('got Basic *** back');
    expect(redactPatterns('token eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJyZWFkZXIifQ.c2lnbmF0dXJl end')).toBe(
      'token *** end',
    );
    expect(redactPatterns('password=hunter2 user=bob')).toBe('password=*** user=bob');
    expect(redactPatterns('{"token": "abc123"}')).toBe('{"token": "***"}');
    expect(redactPatterns('{"ServerURL":"s","Username":"u","Secret":"p\\"q"}')).toBe(
      '{"ServerURL":"s","Username":"u","Secret":"***"}',
    );
    expect(redactPatterns('{"access_token":"def","other":"keep"}')).toBe(
      '{"access_token":"***","other":"keep"}',
    );
    // Words, challenges and image references, not credentials: kept.
    for (const kept of [
      'secret "db-creds" not found; authentication required',
      'The token server 127.0.0.1:5000 refused an anonymous token',
      'WWW-Authenticate: Bearer realm="https://auth.example/token",service="registry"',
      'Basic realm="fake-registry"',
      'image acme/token:1.0 and ghcr.io/x/secret:latest',
    ])
      expect(redactPatterns(kept)).toBe(kept);
    expect(redactPatterns('token: abc123 and password:"x"')).toBe('token: *** and password:"***"');
  });

  it('is linear on hostile text (no catastrophic backtracking)', () => {
    const r = createSecretRegistry();
    r.add('some-secret-value');
    const hostile = `${'password'.repeat(20_000)}${' '.repeat(50_000)}${'eyJaaaa.'.repeat(20_000)}${'https://a'.repeat(20_000)}`;
    const t = performance.now();
    r.redact(hostile);
    expect(performance.now() - t).toBeLessThan(5_000);
  });

  it('redactDeep redacts every string of a request body and keeps keys and other values', () => {
    const r = createSecretRegistry();
    r.add('deep-secret-1');
    const body = { title: 'x deep-secret-1', n: 3, ok: true, nested: [{ 'deep-secret-1': 'deep-secret-1' }] };
    expect(redactDeep(body, (s) => r.redact(s))).toEqual({
      title: 'x ***',
      n: 3,
      ok: true,
      nested: [{ 'deep-secret-1': '***' }],
    });
  });

  it('describeError gives one redacted line, the stack only with debug', () => {
    const err = new Error('boom with password=hunter2\nsecond line');
    expect(describeError(err)).toBe('boom with password=***');
    expect(describeError(err, true)).toContain('\n');
    expect(describeError(err, true)).not.toContain('hunter2');
    const hostile = {
      toString() {
        throw new Error('no');
      },
    };
    expect(describeError(hostile)).toBe('an error that cannot be printed');
  });
});

describe('redaction property', () => {
  const secretArb = fc.string({ minLength: 4, maxLength: 40, unit: 'binary' });
  const textArb = fc.string({ maxLength: 60, unit: 'binary' });

  it('no registered secret, in any derived form, survives in arbitrary surrounding text', () => {
    fc.assert(
      fc.property(
        secretArb,
        fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme-ascii' }),
        fc.array(fc.tuple(textArb, fc.nat()), { minLength: 1, maxLength: 5 }),
        textArb,
        (secret, username, pieces, tail) => {
          const r = createSecretRegistry();
          r.addCredential({ username, secret });
          const forms = [...secretForms(secret), ...credentialForms({ username, secret })];
          const text = pieces.map(([t, i]) => t + forms[i % forms.length]).join('') + tail;
          const out = r.redact(text);
          const leaks = findLeakedSecrets([out], [{ label: 's', value: secret, username }]);
          expect(leaks).toEqual([]);
          for (const f of forms) expect(out).not.toContain(f);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(secretArb, textArb, (secret, text) => {
        const r = createSecretRegistry();
        r.add(secret);
        const once = r.redact(text + secret + text);
        expect(r.redact(once)).toBe(once);
      }),
      { numRuns: 200 },
    );
  });
});
