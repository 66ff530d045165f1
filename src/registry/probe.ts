/**
 * One manifest check against one registry endpoint: the HEAD with the full Accept list, the auth dance
 * (challenge → token or Basic → retry once), the GET fallbacks, the `/v2/` ping when a 404 proves nothing,
 * and the platform check. Produces an {@link Observation}; `classify.ts` decides what it means.
 */
import { createHash } from 'node:crypto';
import { isRecord } from '../errors.js';
import { type BasicChallenge, type BearerChallenge, parseChallenges, pickChallenge } from './challenge.js';
import type { AuthState, Observation, ResponseObservation } from './classify.js';
import { isHtmlContentType } from './classify.js';
import {
  type HttpResponse,
  headerValue,
  isTlsProtocolError,
  type RegistryHttpClient,
  type RegistryLogger,
  RegistryNetworkError,
} from './client.js';
import type { RegistryCredential } from './credentials/types.js';
import {
  baseMediaType,
  formatPlatform,
  isIndexMediaType,
  MEDIA_TYPES,
  missingPlatforms,
  type Platform,
  platformOfConfig,
  platformsOfIndex,
} from './platforms.js';
import type { Endpoint } from './policy.js';
import { excerpt } from './redact.js';
import type { TokenCache } from './token.js';

/** The Accept header sent with every manifest request: all six manifest types, one comma-joined value. */
export const MANIFEST_ACCEPT = [
  MEDIA_TYPES.ociIndex,
  MEDIA_TYPES.ociManifest,
  MEDIA_TYPES.dockerList,
  MEDIA_TYPES.dockerManifest,
  MEDIA_TYPES.schema1Signed,
  MEDIA_TYPES.schema1,
].join(', ');

/** Largest manifest or config blob read (bytes). */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** What to check. */
export interface ProbeTarget {
  /** Normalized reference, for messages. */
  display: string;
  repository: string;
  /** Tag or digest to request (the digest when both are given, as the kubelet pulls). */
  reference: string;
  requestedDigest?: string;
  platforms: readonly string[];
  /** Read the platforms of an index even when none is required. */
  listPlatforms?: boolean;
}

interface HostState {
  scheme?: 'https' | 'http';
  /** The challenge this host answered with, so later requests authenticate up front. */
  challenge?: BearerChallenge | BasicChallenge;
  ping?: Promise<boolean | undefined>;
  /** Settles when the first request to a loopback host has decided between HTTPS and HTTP. */
  deciding?: Promise<void>;
}

type Authorization =
  | { header?: string; credentialsSent: boolean; scope?: string; batched?: boolean }
  | { failure: Observation };

/** One probe's endpoint, image and credential: what every request of the probe shares. */
interface ProbeCall {
  ep: Endpoint;
  target: ProbeTarget;
  credential: RegistryCredential | undefined;
}

/** One registry request of a probe. */
interface RegistryRequest {
  method: 'GET' | 'HEAD';
  path: string;
  maxBodyBytes: number;
}

/** A request sent with an authorization, its answer, and the challenge of a 401. */
interface Exchange {
  authz: Exclude<Authorization, { failure: Observation }>;
  res: HttpResponse;
  challenge: BearerChallenge | BasicChallenge | undefined;
}

/** One step of answering challenges: a new (or the same) exchange, or a failure that ends the probe. */
type Step = Exchange | { failure: Observation };

/** Scopes asked for in one token request at most (one own, the rest other repositories of the host). */
const TOKEN_BATCH = 16;

/** The repositories of one registry host in this run, and how many were already offered to a batch. */
interface HostRepositories {
  list: readonly string[];
  next: number;
}

/** Shared state of one check run: HTTP client, token cache, per-host learned scheme and challenge. */
export class ProbeSession {
  private readonly hosts = new Map<string, HostState>();
  /** Per endpoint host: the repositories this run will check there (for batched token requests). */
  private readonly repositories = new Map<string, HostRepositories>();
  /** The state of each endpoint object (the checker reuses one per registry), without building the key. */
  private readonly byEndpoint = new WeakMap<Endpoint, HostState>();

  private readonly client: RegistryHttpClient;
  private readonly tokens: TokenCache;
  private readonly secrets: Set<string>;
  private readonly logger: RegistryLogger | undefined;

  constructor(client: RegistryHttpClient, tokens: TokenCache, secrets: Set<string>, logger?: RegistryLogger) {
    this.client = client;
    this.tokens = tokens;
    this.secrets = secrets;
    this.logger = logger;
  }

  /**
   * Tells the session which repositories the run will check at each endpoint host, so that a token
   * request can ask for several of them at once (one round trip instead of one per repository).
   */
  planRepositories(byHost: ReadonlyMap<string, readonly string[]>): void {
    for (const [host, list] of byHost) this.repositories.set(host, { list, next: 0 });
  }

  /** Up to `TOKEN_BATCH - 1` pull scopes of other repositories at `ep`, each offered once. */
  private siblingScopes(ep: Endpoint, repository: string): string[] {
    const repos = this.repositories.get(ep.host);
    if (!repos) return [];
    const out: string[] = [];
    while (repos.next < repos.list.length && out.length < TOKEN_BATCH - 1) {
      const r = repos.list[repos.next++] as string;
      if (r !== repository) out.push(`repository:${r}:pull`);
    }
    return out;
  }

  private state(ep: Endpoint): HostState {
    const known = this.byEndpoint.get(ep);
    if (known) return known;
    const key = `${ep.host}|${ep.insecure}`;
    let s = this.hosts.get(key);
    if (!s) {
      s = {};
      if (ep.scheme !== 'https-or-http') s.scheme = ep.scheme;
      this.hosts.set(key, s);
    }
    this.byEndpoint.set(ep, s);
    return s;
  }

  /** Checks one target at one endpoint with one credential (or anonymously). */
  async probe(
    ep: Endpoint,
    target: ProbeTarget,
    credential: RegistryCredential | undefined,
  ): Promise<Observation> {
    try {
      return await this.probeInner(ep, target, credential);
    } catch (err) {
      if (err instanceof RegistryNetworkError) {
        if (err.refused) return { kind: 'refused', ref: target.display, host: ep.host, reason: err.message };
        return {
          kind: 'network',
          ref: target.display,
          host: err.host || ep.host,
          code: err.code,
          message: excerpt(err.message, [...this.secrets]),
          timedOut: err.timedOut,
          ...(err.timeoutMs !== undefined ? { timeoutMs: err.timeoutMs } : {}),
        };
      }
      throw err;
    }
  }

  private async probeInner(
    ep: Endpoint,
    target: ProbeTarget,
    credential: RegistryCredential | undefined,
  ): Promise<Observation> {
    const path = `/v2/${target.repository}/manifests/${target.reference}`;
    const call: ProbeCall = { ep, target, credential };
    const head = await this.authed(call, { method: 'HEAD', path, maxBodyBytes: 0 });
    if ('failure' in head) return head.failure;
    let res = head.res;
    const hasDigest = headerValue(res.headers, 'docker-content-digest') !== undefined;
    const needGet =
      res.status === 405 ||
      (res.status >= 200 && res.status < 300 && !hasDigest) ||
      res.status === 400 ||
      res.status === 403 ||
      res.status === 404 ||
      (res.status === 401 && head.auth.credentialsSent);
    let got: HttpResponse | undefined;
    let auth = head.auth;
    let challenge = head.challenge;
    if (needGet) {
      this.logger?.debug(
        `HEAD ${ep.host}${path} answered ${res.status}${hasDigest ? '' : ' without digest'}; repeating as GET`,
      );
      const get = await this.authed(call, { method: 'GET', path, maxBodyBytes: MAX_MANIFEST_BYTES });
      if ('failure' in get) return get.failure;
      got = get.res;
      res = got;
      auth = get.auth;
      challenge = get.challenge;
    }
    const obs = this.responseObservation(ep, target, res, auth, challenge);
    // A 404 proves absence only from a registry: ask `/v2/` (once per host) whether one answers here, also
    // when the 404 carries MANIFEST_UNKNOWN (any web server can write that body).
    if (res.status === 404 && !isHtmlContentType(obs.contentType)) {
      obs.isRegistry = await this.ping(ep);
    }
    if (
      obs.status >= 200 &&
      obs.status < 300 &&
      obs.digest &&
      (target.platforms.length > 0 || target.listPlatforms === true) &&
      !isHtmlContentType(obs.contentType)
    ) {
      const manifest = got && got.status === 200 && !got.truncated ? got : undefined;
      const platformResult = await this.checkPlatforms(ep, target, credential, obs, manifest);
      if ('failure' in platformResult) return platformResult.failure;
      if (platformResult.available) {
        obs.platforms = {
          available: platformResult.available.map(formatPlatform),
          missing: missingPlatforms(target.platforms, platformResult.available),
        };
      }
    }
    return obs;
  }

  private responseObservation(
    ep: Endpoint,
    target: ProbeTarget,
    res: HttpResponse,
    auth: AuthState,
    challenge: BearerChallenge | BasicChallenge | undefined,
  ): ResponseObservation {
    const contentType = headerValue(res.headers, 'content-type');
    const bodyText = res.body.toString('utf8');
    const obs: ResponseObservation = {
      kind: 'response',
      ref: target.display,
      host: ep.host,
      status: res.status,
      errorCodes: errorCodes(bodyText),
      auth,
    };
    if (contentType) obs.contentType = baseMediaType(contentType) || contentType;
    if (target.requestedDigest) obs.requestedDigest = target.requestedDigest;
    let digest = headerValue(res.headers, 'docker-content-digest');
    if (!digest && res.status === 200 && res.body.length > 0 && !res.truncated && isManifestBody(bodyText)) {
      digest = `sha256:${createHash('sha256').update(res.body).digest('hex')}`;
    }
    if (digest) obs.digest = digest.trim();
    if (bodyText && (res.status < 200 || res.status >= 300 || !obs.digest))
      obs.bodyExcerpt = excerpt(bodyText, [...this.secrets]);
    if (challenge) obs.challenge = challenge;
    if (res.url.host !== ep.host) obs.answeredBy = res.url.host;
    const remaining = headerValue(res.headers, 'ratelimit-remaining');
    if (res.status === 429) {
      const retryAfter = headerValue(res.headers, 'retry-after');
      const parts = [
        remaining ? `ratelimit-remaining ${remaining}` : '',
        retryAfter ? `retry-after ${retryAfter}` : '',
      ].filter(Boolean);
      if (parts.length) obs.rateLimit = excerpt(parts.join(', '));
      if (retryAfter) obs.retryAfter = retryAfter.slice(0, 100);
    }
    if (res.retryAfterBeyondCap) obs.retryAfterBeyondCap = res.retryAfterBeyondCap;
    return obs;
  }

  /**
   * Sends a request with the scheme this host speaks. For a loopback host the first request decides:
   * HTTPS, or plain HTTP when the port answers TLS with a protocol error (as Docker and containerd allow);
   * concurrent first requests wait for that decision instead of all failing over.
   */
  private async send(
    ep: Endpoint,
    method: 'GET' | 'HEAD',
    path: string,
    authorization: string | undefined,
    maxBodyBytes: number,
  ): Promise<HttpResponse> {
    const state = this.state(ep);
    if (state.scheme === undefined && state.deciding) await state.deciding;
    if (state.scheme === undefined) {
      const decided = this.decideScheme(ep, state, method, path, authorization, maxBodyBytes);
      state.deciding = decided.then(
        () => undefined,
        () => undefined,
      );
      return decided;
    }
    return this.sendWith(ep, state.scheme, method, path, authorization, maxBodyBytes, true);
  }

  private async decideScheme(
    ep: Endpoint,
    state: HostState,
    method: 'GET' | 'HEAD',
    path: string,
    authorization: string | undefined,
    maxBodyBytes: number,
  ): Promise<HttpResponse> {
    try {
      const res = await this.sendWith(ep, 'https', method, path, authorization, maxBodyBytes, false);
      state.scheme = 'https';
      return res;
    } catch (err) {
      if (isTlsProtocolError(err)) {
        this.logger?.debug(`${ep.host} does not speak TLS; using plain HTTP as for any loopback registry`);
        state.scheme = 'http';
        return this.sendWith(ep, 'http', method, path, authorization, maxBodyBytes, true);
      }
      if (err instanceof RegistryNetworkError && (err.refused || err.timedOut)) throw err;
      // Not a protocol mismatch: retry over HTTPS with the usual backoff.
      return this.sendWith(ep, 'https', method, path, authorization, maxBodyBytes, true);
    }
  }

  private sendWith(
    ep: Endpoint,
    scheme: 'https' | 'http',
    method: 'GET' | 'HEAD',
    path: string,
    authorization: string | undefined,
    maxBodyBytes: number,
    retry: boolean,
  ): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: MANIFEST_ACCEPT };
    if (authorization) headers.authorization = authorization;
    const query = ep.namespace
      ? `${path.includes('?') ? '&' : '?'}ns=${encodeURIComponent(ep.namespace)}`
      : '';
    return this.client.request({
      method,
      url: new URL(`${scheme}://${ep.host}${path}${query}`),
      headers,
      insecure: ep.insecure,
      maxBodyBytes,
      retry,
    });
  }

  private registryProtocol(ep: Endpoint): 'https:' | 'http:' {
    return this.state(ep).scheme === 'http' ? 'http:' : 'https:';
  }

  /** Works out the Authorization header for a challenge: a Bearer token, Basic credentials, or none. */
  private async authorize(
    call: ProbeCall,
    ask: { challenge: BearerChallenge | BasicChallenge; scope: string; batch?: boolean },
  ): Promise<Authorization> {
    const { ep, target, credential } = call;
    const { challenge, scope, batch = true } = ask;
    if (challenge.scheme === 'basic') {
      if (credential?.registryToken)
        return { header: `Bearer ${credential.registryToken}`, credentialsSent: true };
      if (credential?.username !== undefined && credential.password !== undefined) {
        return {
          header: `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`,
          credentialsSent: true,
        };
      }
      return { credentialsSent: false };
    }
    const ownScope = scope === `repository:${target.repository}:pull`;
    const result = await this.tokens.get({
      challenge,
      scope,
      credential,
      registryProtocol: this.registryProtocol(ep),
      ...(batch && ownScope ? { alsoScopes: () => this.siblingScopes(ep, target.repository) } : {}),
    });
    if (result.ok)
      return {
        header: `Bearer ${result.token}`,
        credentialsSent: result.credentialsSent,
        scope,
        ...(result.batched ? { batched: true } : {}),
      };
    if (result.kind === 'refused')
      return { failure: { kind: 'refused', ref: target.display, host: ep.host, reason: result.reason } };
    const body = result.response.body.toString('utf8');
    const auth: AuthState = { credentialsSent: result.credentialsSent, scheme: 'bearer' };
    if (credential?.source) auth.credentialSource = credential.source;
    return {
      failure: {
        kind: 'token',
        ref: target.display,
        host: ep.host,
        realmHost: result.response.url.host,
        status: result.response.status,
        errorCodes: errorCodes(body),
        bodyExcerpt: body ? excerpt(body, [...this.secrets]) : undefined,
        auth,
        noToken: result.noToken,
      },
    };
  }

  /** Sends a registry request, answering a 401 challenge once (and up front once the host's challenge is known). */
  private async authed(
    call: ProbeCall,
    req: RegistryRequest,
  ): Promise<
    | { res: HttpResponse; auth: AuthState; challenge?: BearerChallenge | BasicChallenge }
    | { failure: Observation }
  > {
    const state = this.state(call.ep);
    const defaultScope = `repository:${call.target.repository}:pull`;
    let authz: Exchange['authz'] = { credentialsSent: false };
    if (state.challenge) {
      const first = await this.authorize(call, { challenge: state.challenge, scope: defaultScope });
      if ('failure' in first) return first;
      authz = first;
    }
    let x: Exchange = await this.exchange(call, req, authz);
    for (const step of [this.answerChallenge, this.retrySingleScope, this.retryFreshToken]) {
      const next = await step.call(this, call, req, x);
      if ('failure' in next) return next;
      x = next;
    }
    const auth: AuthState = {
      credentialsSent: x.authz.credentialsSent,
      scheme:
        x.authz.header === undefined ? 'none' : x.authz.header.startsWith('Basic ') ? 'basic' : 'bearer',
    };
    if (call.credential?.source && x.authz.credentialsSent) auth.credentialSource = call.credential.source;
    return x.challenge ? { res: x.res, auth, challenge: x.challenge } : { res: x.res, auth };
  }

  /** Sends `req` with `authz`; a 401's challenge is read from its `WWW-Authenticate`. */
  private async exchange(call: ProbeCall, req: RegistryRequest, authz: Exchange['authz']): Promise<Exchange> {
    const res = await this.send(call.ep, req.method, req.path, authz.header, req.maxBodyBytes);
    const challenge =
      res.status === 401 ? pickChallenge(parseChallenges(res.headers['www-authenticate'])) : undefined;
    return { authz, res, challenge };
  }

  /** Sends again with `next` when it brings a different header; otherwise the exchange stands. */
  private async resendWith(
    call: ProbeCall,
    req: RegistryRequest,
    x: Exchange,
    next: Authorization,
  ): Promise<Step> {
    if ('failure' in next) return next;
    if (next.header === undefined || next.header === x.authz.header) return x;
    return this.exchange(call, req, next);
  }

  /** The first 401: remember the host's challenge and answer it, unless this header already did. */
  private async answerChallenge(call: ProbeCall, req: RegistryRequest, x: Exchange): Promise<Step> {
    const { challenge } = x;
    if (!challenge) return x;
    const state = this.state(call.ep);
    if (!state.challenge)
      state.challenge =
        challenge.scheme === 'bearer'
          ? {
              scheme: 'bearer',
              realm: challenge.realm,
              ...(challenge.service ? { service: challenge.service } : {}),
            }
          : challenge;
    const defaultScope = `repository:${call.target.repository}:pull`;
    const scope = challenge.scheme === 'bearer' && challenge.scope ? challenge.scope : defaultScope;
    const alreadyTried =
      x.authz.header !== undefined && (challenge.scheme === 'basic' || scope === x.authz.scope);
    if (alreadyTried) return x;
    return this.resendWith(call, req, x, await this.authorize(call, { challenge, scope }));
  }

  /**
   * A token asked for together with other repositories that this registry does not honour for this
   * one: stop batching at its realm and ask for this repository's scope alone, once.
   */
  private async retrySingleScope(call: ProbeCall, req: RegistryRequest, x: Exchange): Promise<Step> {
    const { challenge, authz } = x;
    if (
      x.res.status !== 401 ||
      challenge?.scheme !== 'bearer' ||
      challenge.error !== 'insufficient_scope' ||
      authz.batched !== true ||
      authz.scope === undefined
    )
      return x;
    this.tokens.singleScope({
      challenge,
      scope: authz.scope,
      credential: call.credential,
      registryProtocol: this.registryProtocol(call.ep),
    });
    this.logger?.debug(
      `${call.ep.host}: a token for several repositories was refused; asking one scope at a time`,
    );
    return this.resendWith(
      call,
      req,
      x,
      await this.authorize(call, { challenge, scope: authz.scope, batch: false }),
    );
  }

  /** A cached token the registry no longer accepts (expired early, key rotated): fetch a fresh one once. */
  private async retryFreshToken(call: ProbeCall, req: RegistryRequest, x: Exchange): Promise<Step> {
    const { challenge, authz } = x;
    if (
      x.res.status !== 401 ||
      challenge?.scheme !== 'bearer' ||
      challenge.error !== 'invalid_token' ||
      authz.scope === undefined ||
      call.credential?.registryToken
    )
      return x;
    this.tokens.invalidate({
      challenge,
      scope: authz.scope,
      credential: call.credential,
      registryProtocol: this.registryProtocol(call.ep),
    });
    return this.resendWith(call, req, x, await this.authorize(call, { challenge, scope: authz.scope }));
  }

  /** `GET /v2/`: true when a registry answers (200 or 401, not HTML), false for 404 / HTML, undefined otherwise. */
  private ping(ep: Endpoint): Promise<boolean | undefined> {
    const state = this.state(ep);
    state.ping ??= this.send(ep, 'GET', '/v2/', undefined, 4096).then(
      (res) => {
        if (isHtmlContentType(headerValue(res.headers, 'content-type'))) return false;
        if (res.status === 200 || res.status === 401) return true;
        if (res.status === 404) return false;
        return undefined;
      },
      () => undefined,
    );
    return state.ping;
  }

  private async checkPlatforms(
    ep: Endpoint,
    target: ProbeTarget,
    credential: RegistryCredential | undefined,
    obs: ResponseObservation,
    fetched: HttpResponse | undefined,
  ): Promise<{ available?: Platform[] } | { failure: Observation }> {
    let manifestRes = fetched;
    if (!manifestRes) {
      const r = await this.authed(
        { ep, target, credential },
        {
          method: 'GET',
          path: `/v2/${target.repository}/manifests/${obs.digest}`,
          maxBodyBytes: MAX_MANIFEST_BYTES,
        },
      );
      if ('failure' in r) return r;
      if (r.res.status !== 200)
        return { failure: this.responseObservation(ep, target, r.res, r.auth, r.challenge) };
      manifestRes = r.res;
    }
    let manifest: unknown;
    try {
      manifest = JSON.parse(manifestRes.body.toString('utf8'));
    } catch {
      return {};
    }
    const mediaType =
      obs.contentType ??
      (isRecord(manifest) && typeof manifest.mediaType === 'string' ? manifest.mediaType : undefined);
    if (isIndexMediaType(mediaType) || (isRecord(manifest) && Array.isArray(manifest.manifests))) {
      return { available: platformsOfIndex(manifest) };
    }
    if (isRecord(manifest) && manifest.schemaVersion === 1 && typeof manifest.architecture === 'string') {
      return {
        available: [platformOfConfig({ os: 'linux', architecture: manifest.architecture }) as Platform],
      };
    }
    const config = isRecord(manifest) && isRecord(manifest.config) ? manifest.config : undefined;
    const configDigest = typeof config?.digest === 'string' ? config.digest : undefined;
    if (!configDigest || !/^[a-z0-9]+:[a-f0-9]+$/.test(configDigest)) return {};
    const blob = await this.authed(
      { ep, target, credential },
      {
        method: 'GET',
        path: `/v2/${target.repository}/blobs/${configDigest}`,
        maxBodyBytes: MAX_MANIFEST_BYTES,
      },
    );
    if ('failure' in blob) return blob;
    if (blob.res.status !== 200)
      return { failure: this.responseObservation(ep, target, blob.res, blob.auth, blob.challenge) };
    let configJson: unknown;
    try {
      configJson = JSON.parse(blob.res.body.toString('utf8'));
    } catch {
      return {};
    }
    const p = platformOfConfig(configJson);
    return p ? { available: [p] } : {};
  }
}

/** Extracts the `errors[].code` values of a registry JSON error body. */
export function errorCodes(body: string): string[] {
  if (!body.startsWith('{')) return [];
  try {
    const json = JSON.parse(body) as unknown;
    if (!isRecord(json) || !Array.isArray(json.errors)) return [];
    return json.errors.flatMap((e) =>
      isRecord(e) && typeof e.code === 'string' ? [e.code.toUpperCase()] : [],
    );
  } catch {
    return [];
  }
}

function isManifestBody(body: string): boolean {
  try {
    const json = JSON.parse(body) as unknown;
    return isRecord(json) && typeof json.schemaVersion === 'number';
  } catch {
    return false;
  }
}
