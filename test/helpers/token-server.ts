/**
 * A small Bearer token server for distribution's token auth (docs: distribution `spec/auth/token.md`,
 * `oauth.md`), on 127.0.0.1. `GET /token?service=&scope=` with optional Basic auth, and the OAuth2
 * `POST /token` form (`grant_type=password|refresh_token`). It signs ES256 JWTs whose `kid` is the libtrust
 * key ID of a certificate placed in the registry's `rootcertbundle`, applies per-user ACLs, records every
 * request (so tests can assert which credentials were or were not sent) and can be told to misbehave.
 */
import { createPrivateKey, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { type CertFiles, libtrustKeyId } from './certs.js';

/** Which repositories each account may use. Globs: `*` matches any characters, `/` included. */
export interface TokenAcl {
  /** username -> repository globs the user may pull. Default: every configured user may pull `*`. */
  users?: Record<string, string[]>;
  /** Repository globs anyone may pull without credentials. Default: none. */
  anonymous?: string[];
  /** Users that may also push (and list the catalog) on every repository. */
  pushers?: string[];
}

/** One `access` entry of a token (distribution's claim set). */
export interface TokenAccess {
  type: string;
  name: string;
  actions: string[];
}

/** What was asked of the token server and what it answered. */
export interface TokenRequestRecord {
  method: string;
  path: string;
  query: URLSearchParams;
  /** Parsed `application/x-www-form-urlencoded` body of a POST. */
  form: URLSearchParams;
  headers: IncomingMessage['headers'];
  /** Username from Basic auth or the form (never the password). */
  username?: string;
  /** True if a password, Basic header or refresh token was presented. */
  credentialsSent: boolean;
  grantType?: string;
  scopes: string[];
  status: number;
  /** The account the token was issued to (`''` for anonymous). */
  subject?: string;
  granted?: TokenAccess[];
}

/** Ways to misbehave, for client robustness tests. Each field applies until changed by `misbehave()`/`reset()`. */
export interface TokenMisbehaviour {
  /** Answer only `{access_token}` (no `token`). */
  accessTokenOnly?: boolean;
  /** Answer only `{token}` (no `access_token`). */
  tokenOnly?: boolean;
  /** Leave out `expires_in` (clients must assume 60 s). */
  omitExpiresIn?: boolean;
  /** Leave out `issued_at`. */
  omitIssuedAt?: boolean;
  /** Lifetime in seconds written in the token and `expires_in` (default 300). */
  expiresIn?: number;
  /** Answer the next N requests with 500. */
  failNext?: number;
  /** Status for `failNext` answers (default 500). */
  failStatus?: number;
  /** Delay every answer by this many ms. */
  delayMs?: number;
  /** Sign with a different key (the registry then answers `invalid_token`). */
  wrongKey?: boolean;
}

/** Options of {@link startTokenServer}. */
export interface TokenServerOptions {
  /** Service name (registry `auth.token.service`). */
  service: string;
  /** Issuer (registry `auth.token.issuer`). */
  issuer: string;
  /** Signing certificate and key; the certificate goes into the registry's `rootcertbundle`. */
  signer: CertFiles;
  /** username -> password. */
  users: Record<string, string>;
  acl?: TokenAcl;
}

/** A running token server. */
export interface TokenServerHandle {
  url: string;
  /** The realm to configure in the registry: `<url>/token`. */
  realm: string;
  service: string;
  issuer: string;
  kid: string;
  requests: TokenRequestRecord[];
  /** Change the ACL while running. */
  setAcl(acl: TokenAcl): void;
  /** Merge misbehaviour switches. */
  misbehave(m: TokenMisbehaviour): void;
  /** Clear misbehaviour and the request log. */
  reset(): void;
  /** Create an OAuth2 refresh token (docker `identitytoken`) for a user. */
  issueRefreshToken(username: string): string;
  /** Sign an arbitrary token (for tests crafting expired or foreign tokens). */
  signToken(
    subject: string,
    access: TokenAccess[],
    options?: { expiresIn?: number; audience?: string },
  ): string;
  stop(): Promise<void>;
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  return new RegExp(`^${escaped}$`);
}

function parseScope(scope: string): TokenAccess | undefined {
  // type:name:actions — the name may contain a port (`host:5000/x`), so split at the first and last ':'.
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return undefined;
  return {
    type: scope.slice(0, first),
    name: scope.slice(first + 1, last),
    actions: scope
      .slice(last + 1)
      .split(',')
      .filter(Boolean),
  };
}

function decodeBasic(header: string | undefined): { username: string; password: string } | undefined {
  if (!header || !/^basic /i.test(header)) return undefined;
  const raw = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
  const i = raw.indexOf(':');
  if (i < 0) return undefined;
  return { username: raw.slice(0, i), password: raw.slice(i + 1) };
}

/** Start a token server on 127.0.0.1 with an ephemeral port. */
export async function startTokenServer(options: TokenServerOptions): Promise<TokenServerHandle> {
  const key = createPrivateKey(options.signer.keyPem);
  const kid = libtrustKeyId(options.signer.certPem);
  const wrongKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  let acl: TokenAcl = options.acl ?? {};
  let mis: TokenMisbehaviour = {};
  const requests: TokenRequestRecord[] = [];
  const refreshTokens = new Map<string, string>();

  const signWith = (
    signingKey: KeyObject,
    subject: string,
    access: TokenAccess[],
    expiresIn: number,
    audience = options.service,
  ): string => {
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: 'JWT', alg: 'ES256', kid };
    const claims = {
      iss: options.issuer,
      sub: subject,
      aud: audience,
      exp: now + expiresIn,
      nbf: now - 1,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const sig = sign('sha256', Buffer.from(input), { key: signingKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${b64url(sig)}`;
  };

  const allowed = (subject: string, access: TokenAccess): string[] => {
    if (access.type === 'registry' && access.name === 'catalog') {
      return subject && acl.pushers?.includes(subject) ? access.actions : [];
    }
    if (access.type !== 'repository') return [];
    const pusher = subject !== '' && (acl.pushers?.includes(subject) ?? false);
    if (pusher) return access.actions.filter((a) => ['pull', 'push', 'delete', '*'].includes(a));
    const globs =
      subject === ''
        ? (acl.anonymous ?? [])
        : (acl.users?.[subject] ?? (acl.users ? [] : subject in options.users ? ['*'] : []));
    const anon = acl.anonymous ?? [];
    const canPull = [...globs, ...anon].some((g) => globToRegExp(g).test(access.name));
    return canPull ? access.actions.filter((a) => a === 'pull') : [];
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? '/', 'http://token');
    const form =
      req.method === 'POST'
        ? new URLSearchParams(Buffer.concat(chunks).toString('utf8'))
        : new URLSearchParams();
    const params = req.method === 'POST' ? form : url.searchParams;
    const scopes = params.getAll('scope').flatMap((s) => s.split(' ').filter(Boolean));
    const basic = decodeBasic(req.headers.authorization);
    const grantType = req.method === 'POST' ? (form.get('grant_type') ?? undefined) : undefined;
    const record: TokenRequestRecord = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.searchParams,
      form,
      headers: req.headers,
      username: basic?.username ?? form.get('username') ?? undefined,
      credentialsSent: Boolean(basic || form.get('password') || form.get('refresh_token')),
      grantType,
      scopes,
      status: 0,
    };
    requests.push(record);
    const reply = async (status: number, body: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      if (mis.delayMs) await new Promise((r) => setTimeout(r, mis.delayMs));
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const unauthorized = () =>
      reply(
        401,
        { errors: [{ code: 'UNAUTHORIZED', message: 'invalid username or password' }] },
        { 'www-authenticate': 'Basic realm="test-token-server"' },
      );

    if (mis.failNext && mis.failNext > 0) {
      mis.failNext--;
      return reply(mis.failStatus ?? 500, { errors: [{ code: 'UNKNOWN', message: 'injected failure' }] });
    }
    if (url.pathname !== '/token')
      return reply(404, { errors: [{ code: 'NOT_FOUND', message: 'not found' }] });
    if (req.method !== 'GET' && req.method !== 'POST')
      return reply(405, { errors: [{ code: 'UNSUPPORTED' }] });
    const service = params.get('service');
    if (service !== options.service) {
      return reply(400, {
        errors: [{ code: 'DENIED', message: `unknown service ${JSON.stringify(service)}` }],
      });
    }

    let subject = '';
    let refreshToken: string | undefined;
    if (req.method === 'POST') {
      if (grantType === 'password') {
        const u = form.get('username') ?? '';
        if (!(u in options.users) || options.users[u] !== form.get('password')) return unauthorized();
        subject = u;
        if (form.get('access_type') === 'offline') refreshToken = issueRefreshToken(u);
      } else if (grantType === 'refresh_token') {
        const u = refreshTokens.get(form.get('refresh_token') ?? '');
        if (u === undefined) return unauthorized();
        subject = u;
        refreshToken = form.get('refresh_token') ?? undefined;
      } else {
        return reply(400, { errors: [{ code: 'UNSUPPORTED', message: `unknown grant_type ${grantType}` }] });
      }
    } else if (basic) {
      if (!(basic.username in options.users) || options.users[basic.username] !== basic.password) {
        return unauthorized();
      }
      subject = basic.username;
      if (params.get('offline_token') === 'true') refreshToken = issueRefreshToken(subject);
    } else if (req.headers.authorization) {
      return unauthorized();
    }

    const granted: TokenAccess[] = [];
    for (const s of scopes) {
      const a = parseScope(s);
      if (!a) continue;
      const actions = allowed(subject, a);
      if (actions.length > 0) granted.push({ ...a, actions });
    }
    record.subject = subject;
    record.granted = granted;
    const expiresIn = mis.expiresIn ?? 300;
    const token = signWith(mis.wrongKey ? wrongKey : key, subject, granted, expiresIn);
    const body: Record<string, unknown> = {};
    if (!mis.accessTokenOnly) body.token = token;
    if (!mis.tokenOnly) body.access_token = token;
    if (!mis.omitExpiresIn) body.expires_in = expiresIn;
    if (!mis.omitIssuedAt) body.issued_at = new Date().toISOString();
    if (refreshToken) body.refresh_token = refreshToken;
    if (req.method === 'POST') body.scope = scopes.join(' ');
    return reply(200, body);
  };

  function issueRefreshToken(username: string): string {
    const t = `refresh-${randomBytes(16).toString('hex')}`;
    refreshTokens.set(t, username);
    return t;
  }

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    realm: `${url}/token`,
    service: options.service,
    issuer: options.issuer,
    kid,
    requests,
    setAcl(next) {
      acl = next;
    },
    misbehave(m) {
      mis = { ...mis, ...m };
    },
    reset() {
      mis = {};
      requests.length = 0;
    },
    issueRefreshToken,
    signToken: (subject, access, o = {}) => signWith(key, subject, access, o.expiresIn ?? 300, o.audience),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
