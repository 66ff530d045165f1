import { isRecord } from '../errors.js';
/**
 * Platform matching for image indexes and single manifests. Pure.
 *
 * @remarks Normalisation follows containerd's `platforms` package (`normalizeArch`): `aarch64`→`arm64`,
 * `x86_64`/`x86-64`→`amd64`, `arm64` variant `8|v8|v8.0` and `amd64` variant `v1` mean "no variant",
 * `arm` defaults to `v7`. BuildKit attestation entries (`unknown/unknown`) are not platforms.
 */

/** A normalised platform. */
export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

/** Manifest media types (image-spec `media-types.md`, distribution schema2). */
export const MEDIA_TYPES = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  schema1Signed: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
  schema1: 'application/vnd.docker.distribution.manifest.v1+json',
} as const;

/** Whether a media type is an index / manifest list. */
export function isIndexMediaType(mediaType: string | undefined): boolean {
  const m = baseMediaType(mediaType);
  return m === MEDIA_TYPES.ociIndex || m === MEDIA_TYPES.dockerList;
}

/** Returns the media type without parameters (`; charset=…`), lower-cased. */
export function baseMediaType(mediaType: string | undefined): string {
  return (mediaType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Normalises an architecture and variant the way containerd does. */
export function normalizePlatform(p: { os?: string; architecture?: string; variant?: string }): Platform {
  const os = (p.os ?? '').trim().toLowerCase();
  let arch = (p.architecture ?? '').trim().toLowerCase();
  let variant = (p.variant ?? '').trim().toLowerCase();
  switch (arch) {
    case 'i386':
      arch = '386';
      variant = '';
      break;
    case 'x86_64':
    case 'x86-64':
    case 'amd64':
      arch = 'amd64';
      if (variant === 'v1') variant = '';
      break;
    case 'aarch64':
    case 'arm64':
      arch = 'arm64';
      if (variant === '8' || variant === 'v8' || variant === 'v8.0') variant = '';
      break;
    case 'armhf':
      arch = 'arm';
      variant = 'v7';
      break;
    case 'armel':
      arch = 'arm';
      variant = 'v6';
      break;
    case 'arm':
      if (variant === '' || variant === '7') variant = 'v7';
      else if (variant === '5' || variant === '6' || variant === '8') variant = `v${variant}`;
      break;
  }
  const out: Platform = { os, architecture: arch };
  if (variant) out.variant = variant;
  return out;
}

/** Parses `os/arch[/variant]` (e.g. `linux/arm64/v8`) into a normalised platform; `undefined` if malformed. */
export function parsePlatform(spec: string): Platform | undefined {
  const parts = spec.trim().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === '')) return undefined;
  return normalizePlatform({ os: parts[0], architecture: parts[1], variant: parts[2] });
}

/** Formats a platform as `os/arch[/variant]`. */
export function formatPlatform(p: Platform): string {
  return p.variant ? `${p.os}/${p.architecture}/${p.variant}` : `${p.os}/${p.architecture}`;
}

/**
 * Whether an available platform satisfies a wanted one: same os and architecture, and the same variant
 * when the wanted platform names one (a wanted `linux/arm` means the default `v7`).
 */
function platformMatches(wanted: Platform, available: Platform): boolean {
  if (wanted.os !== available.os || wanted.architecture !== available.architecture) return false;
  if (!wanted.variant) return true;
  return wanted.variant === (available.variant ?? '');
}

/** Whether an entry is an attestation or other non-runnable `unknown/unknown` entry. */
function isAttestation(p: Platform, annotations: Record<string, unknown> | undefined): boolean {
  if (p.os === 'unknown' || p.architecture === 'unknown') return true;
  return annotations?.['vnd.docker.reference.type'] === 'attestation-manifest';
}

/** Returns the runnable platforms an index or manifest list lists, in order, without duplicates. */
export function platformsOfIndex(index: unknown): Platform[] {
  const out: Platform[] = [];
  const seen = new Set<string>();
  const manifests = isRecord(index) && Array.isArray(index.manifests) ? index.manifests : [];
  for (const m of manifests) {
    if (!isRecord(m) || !isRecord(m.platform)) continue;
    const raw = m.platform;
    const p = normalizePlatform({
      os: typeof raw.os === 'string' ? raw.os : undefined,
      architecture: typeof raw.architecture === 'string' ? raw.architecture : undefined,
      variant: typeof raw.variant === 'string' ? raw.variant : undefined,
    });
    if (!p.os || !p.architecture) continue;
    if (isAttestation(p, isRecord(m.annotations) ? m.annotations : undefined)) continue;
    const key = formatPlatform(p);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(p);
  }
  return out;
}

/** Returns the platform of an image config blob (`os`, `architecture`, `variant`), if it names one. */
export function platformOfConfig(config: unknown): Platform | undefined {
  if (!isRecord(config)) return undefined;
  const os = typeof config.os === 'string' ? config.os : undefined;
  const architecture = typeof config.architecture === 'string' ? config.architecture : undefined;
  if (!os || !architecture) return undefined;
  return normalizePlatform({
    os,
    architecture,
    variant: typeof config.variant === 'string' ? config.variant : undefined,
  });
}

/** Returns the wanted platform specs (as given) that no available platform satisfies. */
export function missingPlatforms(wanted: readonly string[], available: readonly Platform[]): string[] {
  const missing: string[] = [];
  for (const spec of wanted) {
    const w = parsePlatform(spec);
    if (!w) {
      missing.push(spec);
      continue;
    }
    if (!available.some((a) => platformMatches(w, a))) missing.push(spec);
  }
  return missing;
}
