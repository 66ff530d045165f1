/**
 * Container image references, parsed as `github.com/distribution/reference` `ParseNormalizedNamed`
 * does (the function Docker, containerd and the kubelet use).
 *
 * @remarks
 * Ported from distribution/reference v0.6 (`normalize.go`, `reference.go`, `regexp.go`) and
 * opencontainers/go-digest v1.0.0 (`digest.go`, `algorithm.go`), with sha256, sha384 and sha512
 * registered (as they are in dockerd, containerd and the kubelet). The regular expressions below are
 * built from the same fragments as the Go ones. Go's `regexp` picks the submatches a backtracking
 * engine would pick first, so JavaScript's engine yields the same captures.
 */
import type { ImageReference, ReferenceParseResult } from './types.js';

/** Docker Hub's canonical domain (`defaultDomain` in normalize.go). */
export const DOCKER_HUB_DOMAIN = 'docker.io';
/** Docker Hub's legacy domain, normalised to `docker.io` (`legacyDefaultDomain`). */
const LEGACY_DOCKER_HUB_DOMAIN = 'index.docker.io';
/**
 * Every name Docker Hub answers on, folded to `docker.io` by {@link checkKey} (the parser itself folds only
 * `index.docker.io`, as Go does): the API host `registry-1.docker.io` and the old `registry.hub.docker.com`.
 */
export const DOCKER_HUB_ALIASES: readonly string[] = [
  DOCKER_HUB_DOMAIN,
  LEGACY_DOCKER_HUB_DOMAIN,
  'registry-1.docker.io',
  'registry.hub.docker.com',
];
/** Namespace of Docker Hub's official images (`officialRepoPrefix`). */
const OFFICIAL_REPO_PREFIX = 'library/';
/** The tag the kubelet adds to a reference without tag or digest (`defaultTag`). */
const DEFAULT_TAG = 'latest';
/** `RepositoryNameTotalLengthMax` in reference.go: applies to the path only, not the domain. */
const REPOSITORY_NAME_MAX_LENGTH = 255;

// Grammar fragments, named and composed exactly as in regexp.go.
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const optionalPort = '(?::[0-9]+)?';
const tag = '[\\w][\\w.-]{0,127}';
const digestPat = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';
const ipv6address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const host = `(?:${domainName}|${ipv6address})`;
const domainAndPort = host + optionalPort;
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const remoteName = `${pathComponent}(?:/${pathComponent})*`;

/**
 * `referencePat` with the name split as `anchoredNameRegexp` splits it: 1 domain, 2 path, 3 tag, 4 digest.
 * Equivalent to Go's two-step match because a domain is always the text before the first `/`.
 */
const REFERENCE_RE = new RegExp(
  `^(?:(${domainAndPort})/)?(${remoteName})(?::(${tag}))?(?:@(${digestPat}))?$`,
);
/** `anchoredIdentifierRegexp`: a bare 64-hex image id is refused as a name. */
const IDENTIFIER_RE = /^[a-f0-9]{64}$/;
/** go-digest `DigestRegexpAnchored`, consulted for algorithms that are not registered. */
const GO_DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const LOWER_HEX_RE = /^[a-f0-9]+$/;

/** Error texts of the Go implementation, verbatim. */
export const REFERENCE_ERRORS = {
  invalidFormat: 'invalid reference format',
  nameContainsUppercase: 'repository name must be lowercase',
  nameTooLong: `repository name must not be more than ${REPOSITORY_NAME_MAX_LENGTH} characters`,
  digestInvalidFormat: 'invalid checksum digest format',
  digestUnsupported: 'unsupported digest algorithm',
} as const;

/**
 * Returns the parsed reference, or the exact error `ParseNormalizedNamed` would return for `raw`.
 *
 * @remarks
 * `registry` is the Go `Domain()`: `docker.io` for Docker Hub (also for `index.docker.io`), the host
 * and port as written otherwise (case preserved: `Foo/bar` has the domain `Foo`, as in Go). In one
 * odd corner Go returns an empty domain: a first component with a `.` that is not a valid host but is
 * a valid path (`foo_bar.com/app`); `registry` is then `''`, exactly as Go's `Domain()`.
 *
 * @example
 * parseReference('ubuntu:22.04') // ok: docker.io, library/ubuntu, tag 22.04
 */
export function parseReference(raw: string): ReferenceParseResult {
  if (IDENTIFIER_RE.test(raw)) {
    return fail(`invalid repository name (${raw}), cannot specify 64-byte hexadecimal strings`);
  }
  const [domain, remainder] = splitDockerDomain(raw);
  const tagSep = remainder.indexOf(':');
  const remote = tagSep > -1 ? remainder.slice(0, tagSep) : remainder;
  if (remote.toLowerCase() !== remote) {
    return fail(`invalid reference format: repository name (${remote}) must be lowercase`);
  }
  return parseCanonical(raw, `${domain}/${remainder}`);
}

/** Go's `Parse` applied to the normalised string `s`; `raw` is only carried into the result. */
function parseCanonical(raw: string, s: string): ReferenceParseResult {
  const m = REFERENCE_RE.exec(s);
  if (m === null) {
    const lower = s.toLowerCase();
    if (lower !== s && REFERENCE_RE.test(lower)) return fail(REFERENCE_ERRORS.nameContainsUppercase);
    return fail(REFERENCE_ERRORS.invalidFormat);
  }
  const registry = m[1] ?? '';
  const repository = m[2] ?? '';
  const tagValue = m[3] ?? '';
  const digest = m[4] ?? '';
  if (repository.length > REPOSITORY_NAME_MAX_LENGTH) return fail(REFERENCE_ERRORS.nameTooLong);
  if (digest !== '') {
    const digestError = validateDigest(digest);
    if (digestError !== null) return fail(digestError);
  }
  let normalized = registry === '' ? repository : `${registry}/${repository}`;
  if (tagValue !== '') normalized += `:${tagValue}`;
  if (digest !== '') normalized += `@${digest}`;
  return {
    ok: true,
    ref: {
      raw,
      registry,
      repository,
      tag: tagValue === '' ? null : tagValue,
      digest: digest === '' ? null : digest,
      normalized,
    },
  };
}

/** Registered digest algorithms (go-digest v1.0.0, image-spec `descriptor.md`) and their hex lengths. */
export const DIGEST_HEX_LENGTHS: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };

const NAME_RE = new RegExp(`^${remoteName}$`);
const TAG_RE = new RegExp(`^${tag}$`);

/** True when `repository` is a repository path of the grammar (lower-case components, at most 255 chars). */
export function isValidRepository(repository: string): boolean {
  return repository.length <= REPOSITORY_NAME_MAX_LENGTH && NAME_RE.test(repository);
}

/** True when `value` is a tag of the grammar. */
export function isValidTag(value: string): boolean {
  return TAG_RE.test(value);
}

/**
 * go-digest v1.0.0 `Digest.Validate`: why `digest` is not a usable digest — `malformed` (not
 * `algorithm:encoded`), `unsupported` (an algorithm that is not registered) or `encoding` (not the
 * algorithm's length of lower-case hex) — or `null` when it is.
 */
export function digestProblem(digest: string): 'malformed' | 'unsupported' | 'encoding' | null {
  const sep = digest.indexOf(':');
  if (sep < 0) return 'malformed';
  const length = DIGEST_HEX_LENGTHS[digest.slice(0, sep)];
  if (length === undefined) return GO_DIGEST_RE.test(digest) ? 'unsupported' : 'malformed';
  // Registered algorithms want lowercase hex of the exact length: `sha256:ABC…` is refused.
  const encoded = digest.slice(sep + 1);
  return encoded.length === length && LOWER_HEX_RE.test(encoded) ? null : 'encoding';
}

/** {@link digestProblem} as the Go error text, for a digest that already matched the reference grammar. */
function validateDigest(digest: string): string | null {
  const problem = digestProblem(digest);
  if (problem === null) return null;
  return problem === 'unsupported'
    ? REFERENCE_ERRORS.digestUnsupported
    : REFERENCE_ERRORS.digestInvalidFormat;
}

/** `splitDockerDomain` from normalize.go: the domain and the remainder (path plus tag/digest). */
function splitDockerDomain(name: string): [string, string] {
  const slash = name.indexOf('/');
  if (slash < 0) {
    // Familiar single-component names (`ubuntu`, `ubuntu:latest`, even `localhost:5000`) are Docker Hub
    // official images: Go never reads `host:port` here.
    return [DOCKER_HUB_DOMAIN, OFFICIAL_REPO_PREFIX + name];
  }
  const maybeDomain = name.slice(0, slash);
  let domain: string;
  let remote: string;
  if (maybeDomain === 'localhost') {
    domain = maybeDomain;
    remote = name.slice(slash + 1);
  } else if (maybeDomain === LEGACY_DOCKER_HUB_DOMAIN) {
    domain = DOCKER_HUB_DOMAIN;
    remote = name.slice(slash + 1);
  } else if (maybeDomain.includes('.') || maybeDomain.includes(':')) {
    domain = maybeDomain;
    remote = name.slice(slash + 1);
  } else if (maybeDomain.toLowerCase() !== maybeDomain) {
    // Namespaces cannot be uppercase, so Go takes an uppercase first component for a host.
    domain = maybeDomain;
    remote = name.slice(slash + 1);
  } else {
    domain = DOCKER_HUB_DOMAIN;
    remote = name;
  }
  if (domain === DOCKER_HUB_DOMAIN && !remote.includes('/')) remote = OFFICIAL_REPO_PREFIX + remote;
  return [domain, remote];
}

function fail(error: string): ReferenceParseResult {
  return { ok: false, error };
}

/** Returns `registry/repository` (Go's `Name()`), without tag or digest. */
export function repositoryName(ref: ImageReference): string {
  return ref.registry === '' ? ref.repository : `${ref.registry}/${ref.repository}`;
}

/**
 * Returns Docker's `FamiliarString`: the short form people write (`ubuntu:22.04`, `user/app`,
 * `ghcr.io/org/app@sha256:…`), with `docker.io/` and a single-level `library/` removed.
 */
export function familiarString(ref: ImageReference): string {
  let name: string;
  if (ref.registry === DOCKER_HUB_DOMAIN) {
    const rest = ref.repository.startsWith(OFFICIAL_REPO_PREFIX)
      ? ref.repository.slice(OFFICIAL_REPO_PREFIX.length)
      : null;
    name = rest !== null && !rest.includes('/') ? rest : ref.repository;
  } else {
    name = repositoryName(ref);
  }
  if (ref.tag !== null) name += `:${ref.tag}`;
  if (ref.digest !== null) name += `@${ref.digest}`;
  return name;
}

/**
 * Returns what the kubelet actually pulls: `registry/repository@digest` when a digest is present
 * (the tag is then ignored), else `registry/repository:<tag>` with `latest` for a missing tag.
 *
 * @remarks
 * This is the key for one registry check: two references with the same key resolve to the same
 * manifest (the kubelet applies `TagNameOnly`, containerd `ParseDockerRef`, which drops a tag next to a digest).
 */
export function checkKey(ref: ImageReference): string {
  const { registry, repository } = pullLocation(ref);
  const name = registry === '' ? repository : `${registry}/${repository}`;
  if (ref.digest !== null) return `${name}@${ref.digest}`;
  return `${name}:${ref.tag ?? DEFAULT_TAG}`;
}

/**
 * Returns the registry and repository a pull of `ref` lands on: a Docker Hub alias (`registry-1.docker.io`,
 * `registry.hub.docker.com`, any case) becomes `docker.io`, with `library/` before a single-component path
 * as Docker Hub applies it. Other references are returned as parsed. `ref.normalized` is not affected.
 */
export function pullLocation(ref: ImageReference): { registry: string; repository: string } {
  if (!DOCKER_HUB_ALIASES.includes(ref.registry.toLowerCase()))
    return { registry: ref.registry, repository: ref.repository };
  const repository = ref.repository.includes('/') ? ref.repository : OFFICIAL_REPO_PREFIX + ref.repository;
  return { registry: DOCKER_HUB_DOMAIN, repository };
}
