/**
 * Which registry hosts may be contacted, and how: allow-list, Docker Hub's API host, mirrors, plain HTTP,
 * insecure TLS and the refusal of link-local / cloud-metadata addresses. Pure.
 *
 * @remarks An image name in a pull request is untrusted input: without the link-local refusal a manifest
 * naming `169.254.169.254/latest/meta-data` would turn the CI runner into a proxy to the cloud metadata
 * service (ggcr `validateRealmURL`, `checkRedirectSSRF` do the same for realms and redirects).
 */
import { isIP } from 'node:net';

/** Docker Hub's reference domain. */
const DOCKER_HUB = 'docker.io';
/** The host Docker Hub's registry API answers on (containerd `hosts.go`, regclient `DockerRegistryDNS`). */
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const DOCKER_HUB_ALIASES = new Set([
  'docker.io',
  'index.docker.io',
  'registry-1.docker.io',
  'registry.hub.docker.com',
]);

/** How to reach one registry endpoint. */
export interface Endpoint {
  /** `host[:port]` as used in URLs (IPv6 in brackets). */
  host: string;
  /** `https`, `http`, or `https` with a plain-HTTP fallback on a TLS/protocol error (loopback). */
  scheme: 'https' | 'http' | 'https-or-http';
  /** Skip TLS verification. */
  insecure: boolean;
  /** For a mirror: the upstream registry, sent as `?ns=` (containerd `hosts.md`). */
  namespace?: string;
  /** The registry name credentials are looked up under (`docker.io`, the mirror host, …). */
  credentialHost: string;
}

/** Inputs of the policy decision. */
export interface PolicyOptions {
  allowedRegistries: readonly string[];
  insecureRegistries: readonly string[];
  plainHttpRegistries: readonly string[];
  mirrors: Readonly<Record<string, string>>;
  allowLinkLocal: boolean;
}

/** The decision for one registry: endpoints to try in order (mirror first), or a reason to skip. */
export type PolicyDecision = { ok: true; endpoints: Endpoint[] } | { ok: false; reason: string };

/** Canonical registry name for comparisons: lower-case, Docker Hub aliases folded to `docker.io`. */
export function canonicalRegistry(registry: string): string {
  const r = registry
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/+$/, '');
  return DOCKER_HUB_ALIASES.has(r) ? DOCKER_HUB : r;
}

/** Returns the host the registry API answers on: `registry-1.docker.io` for Docker Hub, else the name. */
export function apiHost(registry: string): string {
  const r = canonicalRegistry(registry);
  return r === DOCKER_HUB ? DOCKER_HUB_API_HOST : r;
}

/** Splits `host[:port]` (IPv6 may be bracketed) into a bare hostname and an optional port. */
export function splitHostPort(hostPort: string): { hostname: string; port?: number } {
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort);
  if (bracket)
    return bracket[2] ? { hostname: bracket[1]!, port: Number(bracket[2]) } : { hostname: bracket[1]! };
  const colons = hostPort.split(':').length - 1;
  if (colons === 1) {
    const [h, p] = hostPort.split(':');
    if (/^\d+$/.test(p!)) return { hostname: h!, port: Number(p) };
  }
  return { hostname: hostPort };
}

/** Whether a hostname is `localhost`, in 127.0.0.0/8 or `::1` (Docker and containerd allow plain HTTP there). */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return expandIPv6(h) === '0000:0000:0000:0000:0000:0000:0000:0001';
  return false;
}

/** Alibaba Cloud's metadata service (ECS), outside 169.254.0.0/16, as 8 hex digits. */
const ALIBABA_METADATA_HEX = '646464c8';

/** Whether an IPv4 address, as 8 lower-case hex digits, is link-local or a cloud metadata endpoint. */
function isRefusedV4Hex(hex: string): boolean {
  return hex.startsWith('a9fe') || hex === ALIBABA_METADATA_HEX;
}

/**
 * Whether an IP address is link-local or a cloud metadata endpoint: 169.254.0.0/16 and Alibaba Cloud's
 * 100.100.100.200 (IPv4, and embedded in IPv6 as mapped, compatible, NAT64 or 6to4 addresses), fe80::/10
 * and `fd00:ec2::254` (AWS IMDS over IPv6).
 */
export function isRefusedAddress(address: string): boolean {
  const a = address
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '');
  const v = isIP(a);
  if (v === 4)
    return isRefusedV4Hex(
      a
        .split('.')
        .map((o) => Number(o).toString(16).padStart(2, '0'))
        .join(''),
    );
  if (v !== 6) return false;
  const full = expandIPv6(a);
  if (full === undefined) return false;
  if (full === 'fd00:0ec2:0000:0000:0000:0000:0000:0254') return true;
  const first = Number.parseInt(full.slice(0, 4), 16);
  if ((first & 0xffc0) === 0xfe80) return true;
  // IPv4 embedded in IPv6: mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64 64:ff9b::a.b.c.d (the last
  // 32 bits), and 6to4 2002:AABB:CCDD:: (bits 16-47): each reaches the IPv4 address on a network that routes it.
  for (const prefix of [
    '0000:0000:0000:0000:0000:ffff:',
    '0000:0000:0000:0000:0000:0000:',
    '0064:ff9b:0000:0000:0000:0000:',
  ]) {
    if (full.startsWith(prefix)) return isRefusedV4Hex(full.slice(30, 34) + full.slice(35, 39));
  }
  if (full.startsWith('2002:')) return isRefusedV4Hex(full.slice(5, 9) + full.slice(10, 14));
  return false;
}

/** Expands an IPv6 address (optionally with an embedded IPv4 tail) to 8 zero-padded groups. */
function expandIPv6(address: string): string | undefined {
  let a = address;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (v4) {
    const o = v4[1]!.split('.').map(Number);
    a = `${a.slice(0, -v4[1]!.length)}${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const [head, tail] = a.split('::');
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail === undefined ? 0 : 8 - h.length - t.length;
  if (fill < 0) return undefined;
  const groups = [...h, ...Array<string>(fill).fill('0'), ...t];
  if (groups.length !== 8) return undefined;
  return groups.map((g) => g.padStart(4, '0')).join(':');
}

/** The reason text for a refused link-local / metadata address (names the setting that allows it). */
export function linkLocalReason(host: string, address?: string): string {
  const where = address && address !== host ? `${host} (${address})` : host;
  return `${where} is a link-local or cloud-metadata address; registry checks never contact it unless the allow-link-local setting (--allow-link-local) is on, so that an image name in a pull request cannot reach the runner's metadata service.`;
}

/** Whether `registry` matches one entry of a registry list (exact, Docker Hub aliases folded, or `*.suffix`). */
export function matchesRegistryList(registry: string, list: readonly string[]): boolean {
  const r = canonicalRegistry(registry);
  const { hostname } = splitHostPort(r);
  for (const entry of list) {
    const e = canonicalRegistry(entry);
    if (e === r) return true;
    if (e.startsWith('*.') && (r.endsWith(e.slice(1)) || hostname.endsWith(e.slice(1)))) return true;
  }
  return false;
}

/**
 * The hostname a URL built from `host[:port]` connects to, in WHATWG canonical form and without IPv6
 * brackets: `0251.0376.0251.0376`, `2852039166` and `0xa9fea9fe` all become `169.254.169.254`. Returns
 * `undefined` when no URL can be built from it. Every policy test runs on this form, since Node connects to
 * the canonical IP literal directly, without the guarded DNS lookup.
 */
function connectHostname(hostPort: string): string | undefined {
  const h = isIP(hostPort) === 6 ? `[${hostPort}]` : hostPort;
  try {
    return new URL(`http://${h}`).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return undefined;
  }
}

/**
 * `host[:port]` with the hostname in canonical form (IPv6 bracketed) and the written port kept (the URL
 * parser would drop `:80`, which matters for an `https` endpoint); `undefined` when it is not a URL host.
 */
function canonicalHostPort(hostPort: string): string | undefined {
  const hostname = connectHostname(hostPort);
  if (hostname === undefined || hostname === '') return undefined;
  const { port } = splitHostPort(hostPort);
  const h = isIP(hostname) === 6 ? `[${hostname}]` : hostname;
  return port === undefined ? h : `${h}:${port}`;
}

/** Decides whether and how a registry may be contacted. */
export function decideEndpoints(registry: string, options: PolicyOptions): PolicyDecision {
  const written = canonicalRegistry(registry);
  const canonical = canonicalHostPort(written);
  if (canonical === undefined) {
    const what =
      written === ''
        ? 'the reference names no registry host'
        : `${written} is not a valid registry host name`;
    return { ok: false, reason: `${what}; fix the image reference.` };
  }
  if (
    options.allowedRegistries.length > 0 &&
    !matchesRegistryList(written, options.allowedRegistries) &&
    !matchesRegistryList(canonical, options.allowedRegistries)
  ) {
    return {
      ok: false,
      reason: `${written} is not in allowed-registries (${options.allowedRegistries.join(', ')}); add it to that setting (--allowed-registry) to check its images.`,
    };
  }
  const upstream = makeEndpoint(apiHost(canonical), written, options);
  const upstreamHostname = splitHostPort(upstream.host).hostname;
  if (!options.allowLinkLocal && isRefusedAddress(upstreamHostname)) {
    const asWritten = splitHostPort(written).hostname.replace(/^\[|\]$/g, '');
    return {
      ok: false,
      reason: linkLocalReason(written, asWritten === upstreamHostname ? undefined : upstreamHostname),
    };
  }
  const endpoints: Endpoint[] = [];
  const mirror = mirrorFor(written, options.mirrors);
  const mirrorHost = mirror === undefined ? undefined : canonicalHostPort(mirror);
  if (mirror !== undefined && mirrorHost !== undefined) {
    const m = makeEndpoint(mirrorHost, mirror, options);
    m.namespace = written;
    if (options.allowLinkLocal || !isRefusedAddress(splitHostPort(m.host).hostname)) endpoints.push(m);
  }
  endpoints.push(upstream);
  return { ok: true, endpoints };
}

function mirrorFor(registry: string, mirrors: Readonly<Record<string, string>>): string | undefined {
  for (const [from, to] of Object.entries(mirrors)) {
    if (canonicalRegistry(from) === registry && to.trim() !== '')
      return to
        .trim()
        .replace(/^https?:\/\//, '')
        .replace(/\/+$/, '');
  }
  return undefined;
}

/**
 * An endpoint for `host` (already canonical: what the client connects to); `credentialHost` is the name as
 * written (credentials and the plain-HTTP / insecure lists match either).
 */
function makeEndpoint(host: string, credentialHost: string, options: PolicyOptions): Endpoint {
  const { hostname } = splitHostPort(host);
  const urlHost = isIP(hostname) === 6 && !host.startsWith('[') ? `[${hostname}]` : host;
  const plain =
    matchesRegistryList(host, options.plainHttpRegistries) ||
    matchesRegistryList(credentialHost, options.plainHttpRegistries);
  const insecure =
    matchesRegistryList(host, options.insecureRegistries) ||
    matchesRegistryList(credentialHost, options.insecureRegistries);
  const scheme: Endpoint['scheme'] = plain ? 'http' : isLoopbackHost(hostname) ? 'https-or-http' : 'https';
  return { host: urlHost, scheme, insecure, credentialHost };
}

/**
 * Checks a token realm named by a registry's challenge before credentials are sent to it: it must be an
 * http(s) URL, not a link-local / metadata address, and not plain HTTP for an HTTPS registry unless the
 * realm is on loopback. Returns the reason to refuse, or `undefined` when the realm is acceptable.
 */
export function checkRealm(
  realm: string,
  registryProtocol: 'https:' | 'http:',
  allowLinkLocal: boolean,
): string | undefined {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    return `the token realm "${realm.slice(0, 100)}" is not a URL`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    return `the token realm ${url.origin} is not http(s)`;
  if (!allowLinkLocal && isRefusedAddress(url.hostname)) return linkLocalReason(url.host);
  if (registryProtocol === 'https:' && url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return `the HTTPS registry names a plain-HTTP token realm (${url.host}); credentials are not sent in clear text: fix the registry's token realm`;
  }
  return undefined;
}
