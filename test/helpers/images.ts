/**
 * Push test images to a registry over the distribution HTTP API (no skopeo): monolithic blob uploads
 * (`POST /blobs/uploads/` then `PUT ?digest=`) and manifest PUTs with the right Content-Type. Works with
 * plain, Basic and Bearer-token registries (answers the challenge with the given credentials).
 * Blobs are real: a minimal image config per platform and one tiny gzip'd empty tar layer.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { request } from 'undici';

/** Media types used by the helpers. */
export const MediaTypes = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociConfig: 'application/vnd.oci.image.config.v1+json',
  ociLayer: 'application/vnd.oci.image.layer.v1.tar+gzip',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerConfig: 'application/vnd.docker.container.image.v1+json',
  dockerLayer: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  inToto: 'application/vnd.in-toto+json',
} as const;

/** Where to push: a {@link RegistryHandle} fits. */
export interface PushTarget {
  url: string;
  dispatcher?: Dispatcher;
  /** Credentials with push rights; a RegistryHandle's `pushAuth` is used when present. */
  pushAuth?: { username: string; password: string };
}

/** A platform as written in an index. */
export interface Platform {
  os: string;
  arch: string;
  variant?: string;
}

/** A pushed manifest. */
export interface PushedManifest {
  repo: string;
  tag?: string;
  digest: string;
  mediaType: string;
  size: number;
  /** The exact bytes that were PUT. */
  body: Buffer;
  /** `repo:tag` or `repo@digest` relative to the registry host. */
  ref: string;
}

/** A pushed index / manifest list with its children. */
export interface PushedIndex extends PushedManifest {
  children: (PushedManifest & { platform: Platform })[];
  /** The attestation manifest (`unknown/unknown`), when requested. */
  attestation?: PushedManifest;
}

/** Per-call options. */
export interface PushOptions {
  /** Credentials to use instead of the target's `pushAuth`. */
  auth?: { username: string; password: string };
  /** Extra OCI annotations (makes the manifest digest distinct without new blobs). */
  annotations?: Record<string, string>;
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

// A valid empty tar archive (two 512-byte zero blocks), gzip'd with a fixed header (mtime 0) for stable digests.
const EMPTY_TAR = Buffer.alloc(1024);
const LAYER = gzipSync(EMPTY_TAR, { level: 9 });
const DIFF_ID = sha256(EMPTY_TAR);

function configBlob(p: Platform): Buffer {
  const config: Record<string, unknown> = {
    architecture: p.arch,
    os: p.os,
    config: { Cmd: ['/bin/true'] },
    rootfs: { type: 'layers', diff_ids: [DIFF_ID] },
  };
  if (p.variant) config.variant = p.variant;
  return Buffer.from(JSON.stringify(config));
}

interface Session {
  target: PushTarget;
  auth?: { username: string; password: string };
  authorization?: string;
}

function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const m = /^\s*(\w+)\s*(.*)$/.exec(header);
  const params: Record<string, string> = {};
  const re = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/g;
  for (let r = re.exec(m?.[2] ?? ''); r; r = re.exec(m?.[2] ?? ''))
    params[r[1]!.toLowerCase()] = r[2] ?? r[3] ?? '';
  return { scheme: (m?.[1] ?? '').toLowerCase(), params };
}

async function authorize(s: Session, challenge: string, repo: string): Promise<void> {
  const c = parseChallenge(challenge);
  const basic = s.auth
    ? `Basic ${Buffer.from(`${s.auth.username}:${s.auth.password}`).toString('base64')}`
    : undefined;
  if (c.scheme === 'basic') {
    if (!basic) throw new Error('registry asks for Basic auth and no push credentials were given');
    s.authorization = basic;
    return;
  }
  const realm = new URL(c.params.realm ?? '');
  if (c.params.service) realm.searchParams.set('service', c.params.service);
  realm.searchParams.set('scope', `repository:${repo}:pull,push,delete`);
  const res = await request(realm, { headers: basic ? { authorization: basic } : {} });
  const text = await res.body.text();
  if (res.statusCode !== 200)
    throw new Error(`token server answered ${res.statusCode}: ${text.slice(0, 200)}`);
  const json = JSON.parse(text) as { token?: string; access_token?: string };
  s.authorization = `Bearer ${json.token ?? json.access_token}`;
}

async function call(
  s: Session,
  repo: string,
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE',
  pathOrUrl: string,
  headers: Record<string, string> = {},
  body?: Buffer,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  for (let attempt = 0; attempt < 2; attempt++) {
    const url = new URL(pathOrUrl, s.target.url);
    const res = await request(url, {
      method,
      headers: { ...headers, ...(s.authorization ? { authorization: s.authorization } : {}) },
      body,
      dispatcher: s.target.dispatcher,
    });
    const text = method === 'HEAD' ? '' : await res.body.text();
    if (method === 'HEAD') await res.body.dump();
    const challenge = res.headers['www-authenticate'];
    if (res.statusCode === 401 && attempt === 0 && typeof challenge === 'string') {
      await authorize(s, challenge, repo);
      continue;
    }
    return { status: res.statusCode, headers: res.headers, text };
  }
  throw new Error('unreachable');
}

function session(target: PushTarget, options?: PushOptions): Session {
  return { target, auth: options?.auth ?? target.pushAuth };
}

/** Upload a blob unless the repository already has it; returns its digest. */
export async function pushBlob(
  target: PushTarget,
  repo: string,
  blob: Buffer,
  options?: PushOptions,
): Promise<string> {
  return uploadBlob(session(target, options), repo, blob);
}

async function uploadBlob(s: Session, repo: string, blob: Buffer): Promise<string> {
  const digest = sha256(blob);
  const head = await call(s, repo, 'HEAD', `/v2/${repo}/blobs/${digest}`);
  if (head.status === 200) return digest;
  const start = await call(
    s,
    repo,
    'POST',
    `/v2/${repo}/blobs/uploads/`,
    { 'content-length': '0' },
    Buffer.alloc(0),
  );
  const location = start.headers.location;
  if (start.status !== 202 || typeof location !== 'string') {
    throw new Error(`blob upload start in ${repo} answered ${start.status}: ${start.text.slice(0, 300)}`);
  }
  const put = new URL(location, s.target.url);
  put.searchParams.set('digest', digest);
  const done = await call(
    s,
    repo,
    'PUT',
    put.toString(),
    { 'content-type': 'application/octet-stream' },
    blob,
  );
  if (done.status !== 201)
    throw new Error(`blob PUT in ${repo} answered ${done.status}: ${done.text.slice(0, 300)}`);
  return digest;
}

async function putManifest(
  s: Session,
  repo: string,
  reference: string | undefined,
  mediaType: string,
  manifest: unknown,
): Promise<PushedManifest> {
  const body = Buffer.from(JSON.stringify(manifest));
  const digest = sha256(body);
  const res = await call(
    s,
    repo,
    'PUT',
    `/v2/${repo}/manifests/${reference ?? digest}`,
    { 'content-type': mediaType },
    body,
  );
  if (res.status !== 201) {
    throw new Error(
      `manifest PUT ${repo}:${reference ?? digest} answered ${res.status}: ${res.text.slice(0, 300)}`,
    );
  }
  const returned = res.headers['docker-content-digest'];
  if (typeof returned === 'string' && returned !== digest) {
    throw new Error(`registry computed ${returned} for ${repo}, expected ${digest}`);
  }
  const tag = reference && !reference.startsWith('sha256:') ? reference : undefined;
  return {
    repo,
    tag,
    digest,
    mediaType,
    size: body.length,
    body,
    ref: tag ? `${repo}:${tag}` : `${repo}@${digest}`,
  };
}

async function imageManifest(
  s: Session,
  repo: string,
  reference: string | undefined,
  platform: Platform,
  kind: 'oci' | 'docker',
  annotations?: Record<string, string>,
): Promise<PushedManifest> {
  const config = configBlob(platform);
  const configDigest = await uploadBlob(s, repo, config);
  const layerDigest = await uploadBlob(s, repo, LAYER);
  const oci = kind === 'oci';
  const manifest: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: oci ? MediaTypes.ociManifest : MediaTypes.dockerManifest,
    config: {
      mediaType: oci ? MediaTypes.ociConfig : MediaTypes.dockerConfig,
      digest: configDigest,
      size: config.length,
    },
    layers: [
      {
        mediaType: oci ? MediaTypes.ociLayer : MediaTypes.dockerLayer,
        digest: layerDigest,
        size: LAYER.length,
      },
    ],
  };
  if (oci && annotations) manifest.annotations = annotations;
  return putManifest(s, repo, reference, manifest.mediaType as string, manifest);
}

/** Push a single-platform OCI image manifest under `tag` (default platform linux/amd64). */
export async function pushOciManifest(
  target: PushTarget,
  repo: string,
  tag: string,
  platform: Partial<Platform> = {},
  options?: PushOptions,
): Promise<PushedManifest> {
  const p = { os: platform.os ?? 'linux', arch: platform.arch ?? 'amd64', variant: platform.variant };
  return imageManifest(session(target, options), repo, tag, p, 'oci', options?.annotations);
}

/** Push a Docker schema2 image manifest under `tag` (default platform linux/amd64). */
export async function pushDockerSchema2(
  target: PushTarget,
  repo: string,
  tag: string,
  platform: Partial<Platform> = {},
  options?: PushOptions,
): Promise<PushedManifest> {
  const p = { os: platform.os ?? 'linux', arch: platform.arch ?? 'amd64', variant: platform.variant };
  return imageManifest(session(target, options), repo, tag, p, 'docker');
}

/** Push an OCI image manifest by digest only (no tag points at it). */
export async function pushDigestOnly(
  target: PushTarget,
  repo: string,
  platform: Partial<Platform> = {},
  options?: PushOptions,
): Promise<PushedManifest> {
  const p = { os: platform.os ?? 'linux', arch: platform.arch ?? 'amd64', variant: platform.variant };
  return imageManifest(session(target, options), repo, undefined, p, 'oci', {
    'org.example.digest-only': 'true',
    ...(options?.annotations ?? {}),
  });
}

const DEFAULT_PLATFORMS: Platform[] = [
  { os: 'linux', arch: 'amd64' },
  { os: 'linux', arch: 'arm64' },
];

function platformField(p: Platform): Record<string, string> {
  return p.variant
    ? { architecture: p.arch, os: p.os, variant: p.variant }
    : { architecture: p.arch, os: p.os };
}

/**
 * Push an OCI index under `tag` whose children (pushed by digest) are one OCI manifest per platform
 * (default linux/amd64 + linux/arm64); with `attestation: true` an `unknown/unknown` attestation manifest
 * (as buildx writes it: `vnd.docker.reference.type: attestation-manifest`) is added for the first child.
 */
export async function pushOciIndex(
  target: PushTarget,
  repo: string,
  tag: string | undefined,
  platforms: Platform[] = DEFAULT_PLATFORMS,
  options: PushOptions & { attestation?: boolean } = {},
): Promise<PushedIndex> {
  const s = session(target, options);
  const children: PushedIndex['children'] = [];
  for (const p of platforms)
    children.push({ ...(await imageManifest(s, repo, undefined, p, 'oci')), platform: p });
  const entries: Record<string, unknown>[] = children.map((c) => ({
    mediaType: c.mediaType,
    digest: c.digest,
    size: c.size,
    platform: platformField(c.platform),
  }));
  let attestation: PushedManifest | undefined;
  if (options.attestation && children[0]) {
    const statement = Buffer.from(
      JSON.stringify({
        _type: 'https://in-toto.io/Statement/v0.1',
        predicateType: 'https://spdx.dev/Document',
      }),
    );
    const emptyConfig = Buffer.from(
      JSON.stringify({
        architecture: 'unknown',
        os: 'unknown',
        config: {},
        rootfs: { type: 'layers', diff_ids: [sha256(statement)] },
      }),
    );
    const configDigest = await uploadBlob(s, repo, emptyConfig);
    const layerDigest = await uploadBlob(s, repo, statement);
    attestation = await putManifest(s, repo, undefined, MediaTypes.ociManifest, {
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      config: { mediaType: MediaTypes.ociConfig, digest: configDigest, size: emptyConfig.length },
      layers: [
        {
          mediaType: MediaTypes.inToto,
          digest: layerDigest,
          size: statement.length,
          annotations: { 'in-toto.io/predicate-type': 'https://spdx.dev/Document' },
        },
      ],
    });
    entries.push({
      mediaType: attestation.mediaType,
      digest: attestation.digest,
      size: attestation.size,
      platform: { architecture: 'unknown', os: 'unknown' },
      annotations: {
        'vnd.docker.reference.digest': children[0].digest,
        'vnd.docker.reference.type': 'attestation-manifest',
      },
    });
  }
  const index: Record<string, unknown> = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociIndex,
    manifests: entries,
  };
  if (options.annotations) index.annotations = options.annotations;
  const pushed = await putManifest(s, repo, tag, MediaTypes.ociIndex, index);
  return { ...pushed, children, attestation };
}

/** Push a Docker manifest list under `tag` whose children are Docker schema2 manifests (default amd64 + arm64). */
export async function pushDockerList(
  target: PushTarget,
  repo: string,
  tag: string | undefined,
  platforms: Platform[] = DEFAULT_PLATFORMS,
  options?: PushOptions,
): Promise<PushedIndex> {
  const s = session(target, options);
  const children: PushedIndex['children'] = [];
  for (const p of platforms)
    children.push({ ...(await imageManifest(s, repo, undefined, p, 'docker')), platform: p });
  const list = {
    schemaVersion: 2,
    mediaType: MediaTypes.dockerList,
    manifests: children.map((c) => ({
      mediaType: c.mediaType,
      digest: c.digest,
      size: c.size,
      platform: platformField(c.platform),
    })),
  };
  const pushed = await putManifest(s, repo, tag, MediaTypes.dockerList, list);
  return { ...pushed, children };
}

/** Point another tag at an already pushed manifest (PUT the same bytes). */
export async function tagManifest(
  target: PushTarget,
  pushed: PushedManifest,
  tag: string,
  options?: PushOptions,
): Promise<PushedManifest> {
  const s = session(target, options);
  return putManifest(s, pushed.repo, tag, pushed.mediaType, JSON.parse(pushed.body.toString('utf8')));
}

/** Delete a manifest by digest (the registry runs with `storage.delete.enabled`). Returns the HTTP status. */
export async function deleteManifest(
  target: PushTarget,
  repo: string,
  digest: string,
  options?: PushOptions,
): Promise<number> {
  const res = await call(session(target, options), repo, 'DELETE', `/v2/${repo}/manifests/${digest}`);
  return res.status;
}
