/**
 * Bearer token exchange (distribution `token.md`, `oauth.md`) and a cache per realm / service / scope /
 * credential identity, valid until `expires_in` (default 60 s) runs out.
 */
import { createHash } from 'node:crypto';
import type { BearerChallenge } from './challenge.js';
import type { HttpResponse, RegistryHttpClient } from './client.js';
import type { RegistryCredential } from './credentials/types.js';
import { checkRealm } from './policy.js';

/** Default token lifetime when the server omits `expires_in` (token.md). */
const DEFAULT_TOKEN_LIFETIME_S = 60;
/** Tokens are renewed this long before they expire. */
const EXPIRY_MARGIN_MS = 5_000;
/** `client_id` sent with OAuth2 requests (required by oauth.md). */
const CLIENT_ID = 'k8s-image-check';

/** A token, or why none could be had. `batched`: the token was asked for together with other scopes. */
export type TokenResult =
  | { ok: true; token: string; credentialsSent: boolean; batched?: boolean }
  | { ok: false; kind: 'refused'; reason: string }
  | { ok: false; kind: 'http'; response: HttpResponse; credentialsSent: boolean; noToken?: boolean };

interface CacheEntry {
  token: string;
  expiresAt: number;
  credentialsSent: boolean;
  batched: boolean;
}

/** What a token request needs. */
export interface TokenRequest {
  challenge: BearerChallenge;
  scope: string;
  credential?: RegistryCredential;
  /** Protocol the registry was reached with, for realm hardening. */
  registryProtocol: 'https:' | 'http:';
  /**
   * Other scopes worth asking for in the same request (the registry's other repositories in this run):
   * the token spec lets a client repeat `scope`, so one round trip can serve many repositories. Scopes
   * already cached or being fetched are left out. A function, called only when a request is sent, so that
   * scopes are not used up by cache hits.
   */
  alsoScopes?: () => readonly string[];
}

/** Returns a stable, non-reversible identity for a credential (used only as a cache key). */
export function credentialIdentity(c: RegistryCredential | undefined): string {
  if (!c) return 'anonymous';
  const h = createHash('sha256');
  for (const part of [c.username, c.password, c.identityToken, c.registryToken]) h.update(`${part ?? ''}\0`);
  return h.digest('hex').slice(0, 32);
}

/** Parses a token response body; returns the token (non-empty `access_token` preferred) and its lifetime. */
export function parseTokenResponse(
  body: string,
  nowMs: number,
): { token: string; expiresAt: number } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const o = json as Record<string, unknown>;
  const access = typeof o.access_token === 'string' ? o.access_token : '';
  const plain = typeof o.token === 'string' ? o.token : '';
  const token = access !== '' ? access : plain;
  if (token === '') return undefined;
  const lifetime =
    typeof o.expires_in === 'number' && o.expires_in > 0 ? o.expires_in : DEFAULT_TOKEN_LIFETIME_S;
  let from = nowMs;
  if (typeof o.issued_at === 'string') {
    const t = Date.parse(o.issued_at);
    // A skewed server clock must not make a fresh token look expired or eternal.
    if (!Number.isNaN(t) && Math.abs(t - nowMs) < 5 * 60_000) from = Math.min(t, nowMs);
  }
  return { token, expiresAt: from + lifetime * 1000 };
}

/** Fetches and caches Bearer tokens; one in-flight request per cache key. */
export class TokenCache {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly failures = new Map<string, TokenResult>();
  private readonly inflight = new Map<string, Promise<TokenResult>>();
  /** Realms whose batched tokens a registry did not accept for every scope: one scope per request there. */
  private readonly singleScopeRealms = new Set<string>();

  private readonly client: RegistryHttpClient;
  private readonly now: () => number;
  private readonly allowLinkLocal: boolean;
  private readonly onSecret: (secret: string) => void;

  /** `onSecret` is called with every token obtained, so it can be redacted from any text. */
  constructor(
    client: RegistryHttpClient,
    now: () => number,
    allowLinkLocal: boolean,
    onSecret: (secret: string) => void,
  ) {
    this.client = client;
    this.now = now;
    this.allowLinkLocal = allowLinkLocal;
    this.onSecret = onSecret;
  }

  /** Returns a token for the request, from the cache when still valid. */
  async get(req: TokenRequest): Promise<TokenResult> {
    const { challenge, scope, credential } = req;
    if (credential?.registryToken)
      return { ok: true, token: credential.registryToken, credentialsSent: true };
    const refused = checkRealm(challenge.realm, req.registryProtocol, this.allowLinkLocal);
    if (refused) return { ok: false, kind: 'refused', reason: refused };
    const key = cacheKey(req, scope);
    const hit = this.cache.get(key);
    if (hit && hit.expiresAt - EXPIRY_MARGIN_MS > this.now())
      return { ok: true, token: hit.token, credentialsSent: hit.credentialsSent, batched: hit.batched };
    const failed = this.failures.get(key);
    if (failed) return failed;
    const running = this.inflight.get(key);
    if (running) return running;
    const extras = this.extraScopes(req);
    const p = this.fetch(req, extras)
      .then((r) => {
        if (
          !r.ok &&
          r.kind === 'http' &&
          r.response.status >= 400 &&
          r.response.status < 500 &&
          r.response.status !== 429
        ) {
          this.failures.set(key, r);
        }
        return r;
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, p);
    for (const extra of extras) {
      // A failed batch proves nothing about the other scopes: each then asks on its own.
      const k = cacheKey(req, extra);
      this.inflight.set(
        k,
        p.then((r) => {
          this.inflight.delete(k);
          const { alsoScopes: _none, ...single } = req;
          return r.ok ? r : this.get({ ...single, scope: extra });
        }),
      );
    }
    const result = await p;
    return result;
  }

  /** The scopes of `req.alsoScopes` not cached, failed or being fetched (none for a single-scope realm). */
  private extraScopes(req: TokenRequest): string[] {
    if (!req.alsoScopes || this.singleScopeRealms.has(req.challenge.realm)) return [];
    const now = this.now();
    return req.alsoScopes().filter((s) => {
      if (s === req.scope || s.includes(' ')) return false;
      const k = cacheKey(req, s);
      const hit = this.cache.get(k);
      if (hit && hit.expiresAt - EXPIRY_MARGIN_MS > now) return false;
      return !this.failures.has(k) && !this.inflight.has(k);
    });
  }

  /**
   * Stops batching at `realm` (a registry refused a batched token for one of its scopes) and drops the
   * cached token of `req`, so that the next request fetches a token for its scope alone.
   */
  singleScope(req: TokenRequest): void {
    this.singleScopeRealms.add(req.challenge.realm);
    for (const [k, entry] of this.cache) if (entry.batched) this.cache.delete(k);
    this.invalidate(req);
  }

  /** Drops a cached token (after the registry rejected it). */
  invalidate(req: TokenRequest): void {
    this.cache.delete(cacheKey(req, req.scope));
  }

  private async fetch(req: TokenRequest, extras: readonly string[]): Promise<TokenResult> {
    const { challenge, credential } = req;
    const scope = [req.scope, ...extras].join(' ').trim();
    let res: HttpResponse | undefined;
    let credentialsSent = false;
    if (credential?.identityToken) {
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: credential.identityToken,
        client_id: CLIENT_ID,
      });
      if (challenge.service) form.set('service', challenge.service);
      if (scope) form.set('scope', scope);
      res = await this.client.request({
        method: 'POST',
        url: new URL(challenge.realm),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
        maxRedirects: 0,
      });
      credentialsSent = true;
      if (res.status === 404) res = undefined; // not an OAuth2 server: fall back to GET (oauth.md)
    }
    if (!res) {
      const url = new URL(challenge.realm);
      if (challenge.service) url.searchParams.set('service', challenge.service);
      for (const s of scope.split(' ')) if (s) url.searchParams.append('scope', s);
      const headers: Record<string, string> = {};
      const user = credential?.username ?? (credential?.identityToken ? '<token>' : undefined);
      const secret = credential?.password ?? credential?.identityToken;
      if (user !== undefined && secret !== undefined) {
        headers.authorization = `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;
        credentialsSent = true;
      }
      res = await this.client.request({ method: 'GET', url, headers, maxRedirects: 0 });
    }
    if (res.status !== 200) return { ok: false, kind: 'http', response: res, credentialsSent };
    const parsed = parseTokenResponse(res.body.toString('utf8'), this.now());
    if (!parsed) return { ok: false, kind: 'http', response: res, credentialsSent, noToken: true };
    this.onSecret(parsed.token);
    const batched = extras.length > 0;
    const entry = { token: parsed.token, expiresAt: parsed.expiresAt, credentialsSent, batched };
    for (const s of [req.scope, ...extras]) this.cache.set(cacheKey(req, s), entry);
    return { ok: true, token: parsed.token, credentialsSent, batched };
  }
}

/** The cache key of a token for `scope`: realm, service, scope and credential identity. */
function cacheKey(req: TokenRequest, scope: string): string {
  return `${req.challenge.realm}\n${req.challenge.service ?? ''}\n${scope}\n${credentialIdentity(req.credential)}`;
}
