/**
 * Every rule the tool can report, as data: id, default severity, title, help and fix text.
 * SARIF rules, the README table and the config validator read this table.
 *
 * @remarks Rule ids are public API (config files, inline suppressions, SARIF fingerprints): never rename one.
 */
import type { CheckStatus } from '../registry/types.js';
import type { SeverityOrOff } from './model.js';

export interface RuleDefinition {
  id: string;
  defaultSeverity: SeverityOrOff;
  title: string;
  /** What the rule detects and why it matters. */
  help: string;
  /** What to do about it; one sentence ending with a period. */
  fix: string;
  /**
   * SARIF `security-severity` (0.1–10) for rules whose findings are supply-chain or availability risks, so
   * code scanning ranks them among security alerts; absent for rules that only say an image was not judged.
   */
  securitySeverity?: number;
}

export const RULES = [
  {
    id: 'dirty-tag',
    defaultSeverity: 'error',
    title: 'Image built from a dirty work tree',
    help: 'The tag matches a dirty pattern (by default it ends with "-dirty", as `git describe --dirty` produces): the image was built from uncommitted changes, so nobody can rebuild it from the repository.',
    fix: 'Commit the changes, rebuild from the clean commit and use that tag.',
    securitySeverity: 7.0,
  },
  {
    id: 'latest-tag',
    defaultSeverity: 'warning',
    title: 'Image uses the mutable "latest" tag',
    help: 'The `latest` tag moves with every push: two nodes can run different images, and a rollback cannot bring the old one back.',
    fix: 'Pin a versioned tag or a digest.',
    securitySeverity: 4.0,
  },
  {
    id: 'missing-tag',
    defaultSeverity: 'warning',
    title: 'Image has no tag and no digest',
    help: 'Without a tag or digest the container runtime pulls `latest`, which moves with every push.',
    fix: 'Add a versioned tag or a digest.',
    securitySeverity: 4.0,
  },
  {
    id: 'mutable-tag',
    defaultSeverity: 'warning',
    title: 'Image uses a branch-like mutable tag',
    help: 'The tag is in the configured list of mutable tags (such as `main` or `staging`): it is re-pushed over time, so what runs depends on when a pod started.',
    fix: 'Use an immutable tag (a version or a commit SHA) or a digest.',
    securitySeverity: 4.0,
  },
  {
    id: 'digest-required',
    defaultSeverity: 'off',
    title: 'Image is not pinned by digest',
    help: 'Policy requires every image to be pinned by digest (`name@sha256:…`), so that what runs is exactly what was reviewed.',
    fix: 'Append the digest (`name:tag@sha256:…`).',
    securitySeverity: 3.0,
  },
  {
    id: 'invalid-reference',
    defaultSeverity: 'error',
    title: 'Invalid image reference',
    help: 'The image reference does not parse the way Docker, containerd and the kubelet parse it; pods using it fail with InvalidImageName.',
    fix: 'Correct the reference (lowercase repository, valid tag and digest).',
    securitySeverity: 5.0,
  },
  {
    id: 'unresolved-template',
    defaultSeverity: 'notice',
    title: 'Image is a template expression and cannot be checked',
    help: 'The image value is a template or variable (`{{ .Values.image }}`, `${IMAGE}`, `<image_url>`) that is filled in later, so the real image cannot be checked here.',
    fix: 'Render the templates before the check (see the `render` setting) or ignore this value.',
  },
  {
    id: 'parse-error',
    defaultSeverity: 'error',
    title: 'Manifest cannot be parsed',
    help: 'The file is not valid YAML or JSON, so its images cannot be read; `kubectl apply` would reject it too.',
    fix: 'Fix the syntax at the reported line.',
  },
  {
    id: 'image-absent',
    defaultSeverity: 'error',
    title: 'Image manifest does not exist in its registry',
    help: 'The registry answered that this manifest (tag or digest) does not exist: any pod that needs to pull it will fail with ImagePullBackOff.',
    fix: 'Push the image, restore it from a backup, or reference a tag that exists.',
    securitySeverity: 7.5,
  },
  {
    id: 'image-platform-missing',
    defaultSeverity: 'error',
    title: 'Image lacks a required platform',
    help: 'The image exists but does not provide every required platform (`platforms` setting): nodes of a missing architecture cannot run it.',
    fix: 'Build and push the image for every required platform (for example with `docker buildx build --platform`).',
    securitySeverity: 6.0,
  },
  {
    id: 'image-bad-format',
    defaultSeverity: 'error',
    title: 'Registry rejected the reference format',
    help: 'The registry rejected the image name or digest as invalid.',
    fix: 'Correct the image reference.',
    securitySeverity: 5.0,
  },
  {
    id: 'registry-authentication',
    defaultSeverity: 'warning',
    title: 'Registry requires credentials (image could not be checked)',
    help: 'The registry rejected our credentials, or demands credentials we do not have. An anonymous client cannot tell a missing repository from a private one, so the image was not judged.',
    fix: 'Add credentials for this registry (`registry-credentials` or `docker-config`).',
  },
  {
    id: 'registry-authorization',
    defaultSeverity: 'warning',
    title: 'Credentials may not read this repository',
    help: 'The registry accepted the credentials but denied pull access to this repository (or hides whether it exists).',
    fix: 'Grant the credentials pull access to the repository.',
  },
  {
    id: 'registry-rate-limited',
    defaultSeverity: 'warning',
    title: 'Registry rate limit reached',
    help: 'The registry answered 429 Too Many Requests even after waiting as it asked; the image was not judged.',
    fix: 'Authenticate to raise the limit, lower `concurrency`, or run again later.',
  },
  {
    id: 'registry-unavailable',
    defaultSeverity: 'warning',
    title: 'Registry could not be reached',
    help: 'DNS, connection, TLS, timeout or server errors (after retries), or the host is not a registry; the image was not judged.',
    fix: 'Check the registry host, network access from the runner, and TLS settings (`ca-files`, `insecure-registries`).',
  },
  {
    id: 'registry-check-skipped',
    defaultSeverity: 'notice',
    title: 'Registry check skipped',
    help: 'The image was not checked: it is ignored, templated, or its registry is not allowed by policy.',
    fix: 'See the reason; adjust `allowed-registries` or the ignore list if the image should be checked.',
  },
  {
    id: 'registry-error',
    defaultSeverity: 'warning',
    title: 'Unexpected registry answer',
    help: 'The registry answered in a way the checker does not understand; the image was not judged.',
    fix: 'Read the status and body excerpt in the message; report it if the registry is behaving correctly.',
  },
] as const satisfies readonly RuleDefinition[];

export type RuleId = (typeof RULES)[number]['id'];

/** The rule table as a map from id to definition. */
export const RULES_BY_ID: ReadonlyMap<string, RuleDefinition> = new Map(RULES.map((r) => [r.id, r]));

/** Returns the rule id that reports a registry check status, or null for statuses that are not findings. */
export function ruleForCheckStatus(status: CheckStatus): RuleId | null {
  switch (status) {
    case 'available':
    case 'not_checked':
      return null;
    case 'absent':
      return 'image-absent';
    case 'platform_missing':
      return 'image-platform-missing';
    case 'bad_image_format':
      return 'image-bad-format';
    case 'authentication_failure':
      return 'registry-authentication';
    case 'authorization_failure':
      return 'registry-authorization';
    case 'rate_limited':
      return 'registry-rate-limited';
    case 'registry_unavailable':
      return 'registry-unavailable';
    case 'skipped':
      return 'registry-check-skipped';
    case 'unknown_error':
      return 'registry-error';
    default: {
      const never: never = status;
      throw new Error(`unhandled check status ${String(never)}`);
    }
  }
}
