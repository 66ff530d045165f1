/**
 * Public entry of the registry checker: one check per unique key, bounded concurrency overall and per
 * registry, credentials tried in order, mirrors before their upstream.
 */
import type { lookup as dnsLookup } from 'node:dns';
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { errorMessage } from '../errors.js';
import {
  DIGEST_HEX_LENGTHS,
  digestProblem,
  isValidRepository,
  isValidTag,
  pullLocation,
} from '../image/reference.js';
import type { ImageReference } from '../image/types.js';
import { Semaphore } from '../limit.js';
import { registerSecret } from '../secrets.js';
import { HostBreaker } from './breaker.js';
import { classifyObservation, type Observation } from './classify.js';
import {
  type DispatcherFactory,
  RegistryHttpClient,
  type RegistryLogger,
  RUN_DEADLINE_CODE,
} from './client.js';
import type { CredentialResolver, RegistryCredential } from './credentials/types.js';
import { parsePlatform } from './platforms.js';
import { decideEndpoints, type Endpoint, type PolicyDecision } from './policy.js';
import { ProbeSession, type ProbeTarget } from './probe.js';
import { redact } from './redact.js';
import { parseRetryAfter } from './retry.js';
import { TokenCache } from './token.js';
import type { RegistryCheck } from './types.js';

/** One image to check; `key` is the image module's `checkKey(ref)`, and results are keyed by it. */
export interface CheckTarget {
  key: string;
  ref: ImageReference;
}

/** Options of {@link checkImages}; every field but `credentials` has a default. */
export interface RegistryCheckOptions {
  /** Finds credentials per registry host and repository; may return `[]` (anonymous). */
  credentials: CredentialResolver;
  /** Extra CA certificate files (PEM), added to Node's bundled roots. Default `[]`. */
  caFiles?: string[];
  /** Registries whose TLS certificate is not verified. Default `[]`. */
  insecureRegistries?: string[];
  /** Registries reached over plain HTTP. Default `[]` (loopback falls back to HTTP on its own). */
  plainHttpRegistries?: string[];
  /** Mirrors per upstream registry, e.g. `{ 'docker.io': 'mirror.example.com' }`; tried first. Default `{}`. */
  mirrors?: Record<string, string>;
  /** Platforms every image must provide, e.g. `['linux/amd64', 'linux/arm64']`. Default `[]` (no check). */
  platforms?: string[];
  /** Read an index's platforms even when none is required (the `check` command prints them). Default `false`. */
  listPlatforms?: boolean;
  /** Only these registries are contacted (exact or `*.suffix`); empty = all. Default `[]`. */
  allowedRegistries?: string[];
  /** Contact link-local / cloud-metadata addresses. Default `false`. */
  allowLinkLocal?: boolean;
  /** Checks in flight overall. Default 32. */
  concurrency?: number;
  /** Checks in flight per registry host (also the connections per origin). Default 8. */
  perRegistryConcurrency?: number;
  /** Per-request deadline covering connect, headers and the whole body, ms. Default 15000. */
  timeoutMs?: number;
  /** Retries for network errors, 5xx and 429. Default 3. */
  retries?: number;
  /** Longest wait honoured from `Retry-After` (and backoff cap), ms. Default 60000. */
  retryAfterCapMs?: number;
  /** First backoff delay, ms; doubles per retry, with jitter. Default 500. */
  backoffBaseMs?: number;
  /**
   * Consecutive failures (`registry_unavailable` or `rate_limited` after retries) after which a host is not
   * asked again in this run: its remaining images get that status at once. A 429 whose `Retry-After`
   * exceeds `retryAfterCapMs` stops a host at once. 0 disables. Default 3.
   */
  hostFailureThreshold?: number;
  /**
   * Run-wide deadline for all checks together, ms from the start of this call; 0 = none. When it passes,
   * requests in flight and waits end, and every image not yet answered is `registry_unavailable` (never
   * `absent`) with a message naming the setting. Default 600000 (10 minutes).
   */
  maxDurationMs?: number;
  /** Jitter source in [0, 1). Default `Math.random`. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  logger?: RegistryLogger;
  dispatcherFactory?: DispatcherFactory;
  /** DNS lookup used when connecting (tests); default `dns.lookup`, guarded against link-local answers. */
  lookup?: typeof dnsLookup;
}

/** Defaults of {@link RegistryCheckOptions} (config keys the CLI/action expose). */
export const REGISTRY_CHECK_DEFAULTS = {
  caFiles: [] as string[],
  insecureRegistries: [] as string[],
  plainHttpRegistries: [] as string[],
  mirrors: {} as Record<string, string>,
  platforms: [] as string[],
  listPlatforms: false,
  allowedRegistries: [] as string[],
  allowLinkLocal: false,
  concurrency: 32,
  perRegistryConcurrency: 8,
  timeoutMs: 15_000,
  retries: 3,
  retryAfterCapMs: 60_000,
  backoffBaseMs: 500,
  hostFailureThreshold: 3,
  maxDurationMs: 600_000,
} as const;

/**
 * Hosts contacted for the first time at once, besides the overall limit: a host's first check mostly waits
 * (connect, or a timeout when the host is dead), so dead hosts cost about one timeout together rather
 * than one per `concurrency` of them.
 */
const FIRST_CONTACTS = 128;

/**
 * Returns why a reference cannot be requested as written (repository, tag or digest grammar of the
 * distribution spec, registered digest algorithms), or `undefined` when it can. The grammar is the
 * image module's; references built elsewhere than `parseReference` (the cluster, tests) pass here too.
 */
export function referenceProblem(ref: ImageReference): string | undefined {
  if (!isValidRepository(ref.repository)) {
    return `the repository "${ref.repository}" is not a valid repository name (lower-case letters, digits and separators); fix the image reference`;
  }
  if (ref.tag !== null && !isValidTag(ref.tag))
    return `the tag "${ref.tag}" is not a valid tag; fix the image reference`;
  if (ref.digest !== null) return digestText(ref.digest);
  return undefined;
}

function digestText(digest: string): string | undefined {
  const algo = digest.slice(0, digest.indexOf(':'));
  switch (digestProblem(digest)) {
    case 'malformed':
      return `the digest "${digest}" is malformed; fix the image reference`;
    case 'unsupported':
      return `the digest algorithm "${algo}" is not supported (${Object.keys(DIGEST_HEX_LENGTHS).join(', ')} are); fix the image reference`;
    case 'encoding':
      return `the ${algo} digest "${digest}" is not ${DIGEST_HEX_LENGTHS[algo]} lower-case hex characters; fix the image reference`;
    default:
      return undefined;
  }
}

/**
 * Checks every target's manifest in its registry and returns one {@link RegistryCheck} per unique key.
 * Never throws for registry behaviour; throws only for unusable options (an unreadable CA file, a
 * malformed platform).
 */
export async function checkImages(
  targets: readonly CheckTarget[],
  options: RegistryCheckOptions,
): Promise<Map<string, RegistryCheck>> {
  const o = resolveOptions(options);
  validatePlatforms(o.platforms);
  const extraCa = await readCaFiles(o.caFiles);
  const run = createCheckRun(o, extraCa);
  const unique = new Map<string, ImageReference>();
  for (const t of targets) if (!unique.has(t.key)) unique.set(t.key, t.ref);
  run.session.planRepositories(repositoriesByHost(unique.values(), run.decisionFor));
  const results = new Map<string, RegistryCheck>();
  try {
    await Promise.all(
      [...unique].map(async ([key, ref]) => {
        const check = await checkSafely(run, ref);
        if (run.debugOn) run.logger?.debug(`${key}: ${check.status}`);
        results.set(key, check);
      }),
    );
  } finally {
    run.deadline.stop();
    await run.client.close();
  }
  return results;
}

function resolveOptions(options: RegistryCheckOptions) {
  return { ...REGISTRY_CHECK_DEFAULTS, ...stripUndefined(options), credentials: options.credentials };
}

type ResolvedOptions = ReturnType<typeof resolveOptions>;

function validatePlatforms(platforms: readonly string[]): void {
  for (const p of platforms) {
    if (!parsePlatform(p))
      throw new Error(
        `platform "${p}" is not os/arch[/variant] (e.g. linux/arm64); fix the platforms setting (--platform).`,
      );
  }
}

async function readCaFiles(files: readonly string[]): Promise<string[]> {
  const extraCa: string[] = [];
  for (const file of files) {
    try {
      extraCa.push(await readFile(file, 'utf8'));
    } catch (err) {
      throw new Error(
        `cannot read CA file ${file} (${err instanceof Error && 'code' in err ? String(err.code) : 'error'}); fix the ca-files setting (--ca-file).`,
      );
    }
  }
  return extraCa;
}

/** Everything one `checkImages` call shares between its checks: client, limits, breaker, caches. */
interface CheckRun {
  o: ResolvedOptions;
  now: () => number;
  secrets: Set<string>;
  logger: RegistryLogger | undefined;
  debugOn: boolean;
  deadline: RunDeadline;
  client: RegistryHttpClient;
  session: ProbeSession;
  breaker: HostBreaker;
  overall: Semaphore;
  firstContacts: Semaphore;
  hostLimiter: (host: string) => Semaphore;
  probeGate: (host: string) => Semaphore;
  decisionFor: (registry: string) => PolicyDecision;
  credentialsFor: (host: string, repository: string) => Promise<RegistryCredential[]>;
}

function createCheckRun(o: ResolvedOptions, extraCa: string[]): CheckRun {
  const secrets = new Set<string>();
  const now = o.now ?? Date.now;
  const logger = o.logger ? safeLogger(o.logger, secrets) : undefined;
  const deadline = runDeadline(o.maxDurationMs);
  const client = createClient(o, extraCa, { logger, signal: deadline.signal });
  // Bearer tokens join the run's registry at once: a later message anywhere must not print them.
  const tokens = new TokenCache(client, now, o.allowLinkLocal, (s) => {
    secrets.add(s);
    registerSecret(s);
  });
  const perHost = Math.max(1, o.perRegistryConcurrency);
  return {
    o,
    now,
    secrets,
    logger,
    debugOn: logger !== undefined && o.logger?.debugEnabled !== false,
    deadline,
    client,
    session: new ProbeSession(client, tokens, secrets, logger),
    breaker: new HostBreaker({ threshold: o.hostFailureThreshold, retryAfterCapMs: o.retryAfterCapMs }),
    overall: new Semaphore(Math.max(1, o.concurrency)),
    firstContacts: new Semaphore(Math.max(FIRST_CONTACTS, o.concurrency)),
    hostLimiter: memoize(() => new Semaphore(perHost)),
    probeGate: memoize(() => new Semaphore(1)),
    // The policy depends only on the registry as written and the options: decided once per registry.
    decisionFor: memoize((registry) => decideEndpoints(registry, o)),
    credentialsFor: credentialLookup(o.credentials, secrets, logger),
  };
}

function createClient(
  o: ResolvedOptions,
  extraCa: string[],
  run: { logger: RegistryLogger | undefined; signal: AbortSignal },
): RegistryHttpClient {
  return new RegistryHttpClient({
    timeoutMs: o.timeoutMs,
    retries: o.retries,
    retryAfterCapMs: o.retryAfterCapMs,
    backoffBaseMs: o.backoffBaseMs,
    connections: Math.max(1, o.perRegistryConcurrency),
    extraCa,
    allowLinkLocal: o.allowLinkLocal,
    random: o.random ?? Math.random,
    // The default wait ends with the run-wide deadline too, so no timer outlives the checks.
    sleep: o.sleep ?? ((ms) => delay(ms, undefined, { signal: run.signal }).catch(() => undefined)),
    now: o.now ?? Date.now,
    logger: run.logger,
    dispatcherFactory: o.dispatcherFactory,
    lookup: o.lookup,
    runSignal: run.signal,
  });
}

/** One value per key, made on first use. */
function memoize<T>(make: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let value = cache.get(key);
    if (value === undefined) {
      value = make(key);
      cache.set(key, value);
    }
    return value;
  };
}

/** Credentials per host and repository, looked up once; their secrets join the run's redaction set. */
function credentialLookup(
  resolve: CredentialResolver,
  secrets: Set<string>,
  logger: RegistryLogger | undefined,
): (host: string, repository: string) => Promise<RegistryCredential[]> {
  const lookup = memoize((key) => {
    const [host = '', repository = ''] = key.split('\n');
    return resolve(host, repository).then(
      (list) => {
        for (const c of list)
          for (const s of [c.password, c.identityToken, c.registryToken]) if (s) secrets.add(s);
        return list;
      },
      (err: unknown) => {
        logger?.warning(
          `could not look up credentials for ${host}: ${errorMessage(err)}; checking anonymously.`,
        );
        return [];
      },
    );
  });
  return (host, repository) => lookup(`${host}\n${repository}`);
}

/** {@link checkOne}, with an unexpected throw turned into `unknown_error` and every text redacted. */
async function checkSafely(run: CheckRun, ref: ImageReference): Promise<RegistryCheck> {
  let check: RegistryCheck;
  try {
    check = await checkOne(run, ref);
  } catch (err) {
    check = {
      status: 'unknown_error',
      host: ref.registry,
      message: `checking ${ref.normalized || ref.raw} failed unexpectedly: ${redact(errorMessage(err), [...run.secrets])}.`,
    };
  }
  if (check.message) check.message = redact(check.message, [...run.secrets]);
  if (check.bodyExcerpt) check.bodyExcerpt = redact(check.bodyExcerpt, [...run.secrets]);
  return check;
}

/** One reference: its grammar, the policy, then each endpoint (mirrors first) until one answers. */
async function checkOne(run: CheckRun, ref: ImageReference): Promise<RegistryCheck> {
  const display = ref.normalized || ref.raw;
  const problem = referenceProblem(ref);
  if (problem)
    return classifyObservation({ kind: 'bad_reference', ref: display, host: ref.registry, reason: problem });
  const decision = run.decisionFor(ref.registry);
  if (!decision.ok)
    return classifyObservation({
      kind: 'refused',
      ref: display,
      host: ref.registry,
      reason: decision.reason,
    });
  const target = probeTarget(ref, display, run.o);
  let result: RegistryCheck | undefined;
  for (const [i, ep] of decision.endpoints.entries()) {
    result = await checkAt(run, ep, target);
    const last = i === decision.endpoints.length - 1;
    if (last || result.status === 'available' || result.status === 'platform_missing') break;
    run.logger?.debug(
      `mirror ${ep.host} answered ${result.status} for ${display}; falling back to the upstream registry`,
    );
  }
  return result as RegistryCheck;
}

function probeTarget(ref: ImageReference, display: string, o: ResolvedOptions): ProbeTarget {
  const target: ProbeTarget = {
    display,
    // As checkKey sees it: a Docker Hub alias asks for `library/nginx`, as `docker.io` would.
    repository: pullLocation(ref).repository,
    reference: ref.digest ?? ref.tag ?? 'latest',
    platforms: o.platforms,
  };
  if (o.listPlatforms) target.listPlatforms = true;
  if (ref.digest) target.requestedDigest = ref.digest;
  return target;
}

// Until a host has answered successfully (and again after a failure) its checks go one at a time, so a
// failing host opens its breaker after `hostFailureThreshold` checks instead of one per image in flight.
async function checkAt(run: CheckRun, ep: Endpoint, target: ProbeTarget): Promise<RegistryCheck> {
  return run.hostLimiter(ep.host).run(async () => {
    let result: RegistryCheck | undefined;
    if (!run.breaker.healthy(ep.host)) {
      result = await run
        .probeGate(ep.host)
        .run(async () =>
          run.breaker.healthy(ep.host) ? undefined : attemptAt(run, { ep, target, gate: run.firstContacts }),
        );
    }
    return result ?? attemptAt(run, { ep, target, gate: run.overall });
  });
}

/** One endpoint under `gate`, unless its breaker is open; the outcome is recorded in the breaker. */
async function attemptAt(
  run: CheckRun,
  at: { ep: Endpoint; target: ProbeTarget; gate: Semaphore },
): Promise<RegistryCheck> {
  const { ep, target } = at;
  const open = run.breaker.answer(ep.host, target.display);
  if (open) return open;
  return at.gate.run(async () => {
    if (run.deadline.signal.aborted) return run.deadline.result(target.display, ep.host);
    const { result, obs } = await probeWithCredentials(run, ep, target);
    if (obs.kind === 'network' && obs.code === RUN_DEADLINE_CODE) return result;
    const retryAfterMs =
      obs.kind === 'response' && obs.status === 429 ? parseRetryAfter(obs.retryAfter, run.now()) : undefined;
    const facts = {
      unreachable: obs.kind === 'network',
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    };
    if (run.breaker.record(ep.host, result, facts))
      run.logger?.warning(
        `stopped asking ${ep.host} after repeated failures (${result.status}); its remaining images get that status without a request.`,
      );
    return result;
  });
}

/** Probes with each credential in turn (anonymous when there is none) until one is not refused. */
async function probeWithCredentials(
  run: CheckRun,
  ep: Endpoint,
  target: ProbeTarget,
): Promise<{ result: RegistryCheck; obs: Observation }> {
  const creds = await run.credentialsFor(ep.credentialHost, target.repository);
  const attempts: (RegistryCredential | undefined)[] = creds.length > 0 ? creds : [undefined];
  for (const [i, cred] of attempts.entries()) {
    const obs = await run.session.probe(ep, target, cred);
    const result = classifyObservation(obs);
    if (result.status !== 'authentication_failure' || i === attempts.length - 1) return { result, obs };
    run.logger?.debug(
      `${ep.host}: credential ${i + 1} of ${attempts.length} (${cred?.source ?? 'anonymous'}) failed; trying the next`,
    );
  }
  throw new Error('unreachable: at least one attempt is made');
}

/** The repositories to check per endpoint host, in order, each once (for batched token requests). */
function repositoriesByHost(
  refs: Iterable<ImageReference>,
  decide: (registry: string) => PolicyDecision,
): Map<string, string[]> {
  const byHost = new Map<string, Set<string>>();
  for (const ref of refs) {
    const decision = decide(ref.registry);
    if (!decision.ok || referenceProblem(ref)) continue;
    const repository = pullLocation(ref).repository;
    for (const ep of decision.endpoints) {
      const set = byHost.get(ep.host) ?? new Set<string>();
      byHost.set(ep.host, set);
      set.add(repository);
    }
  }
  return new Map([...byHost].map(([host, set]) => [host, [...set]]));
}

/** The run-wide deadline: an AbortSignal that fires after `ms` (never when 0) and the answer it gives. */
interface RunDeadline {
  signal: AbortSignal;
  stop: () => void;
  result: (display: string, host: string) => RegistryCheck;
}

function runDeadline(ms: number): RunDeadline {
  const controller = new AbortController();
  const why = `max-duration of ${Math.round(ms / 1000)} s was reached before this check finished; raise max-duration (--max-duration, 0 = no limit), check fewer images, or fix the slow registries named in the other results`;
  const timer = ms > 0 ? setTimeout(() => controller.abort(new Error(why)), ms) : undefined;
  timer?.unref();
  return {
    signal: controller.signal,
    stop: () => clearTimeout(timer),
    result: (display, host) => ({
      status: 'registry_unavailable',
      host,
      message: `${display} was not checked at ${host}: ${why}.`,
    }),
  };
}

function safeLogger(logger: RegistryLogger, secrets: Set<string>): RegistryLogger {
  return {
    debug: logger.debugEnabled === false ? () => undefined : (m) => logger.debug(redact(m, [...secrets])),
    warning: (m) => logger.warning(redact(m, [...secrets])),
  };
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
