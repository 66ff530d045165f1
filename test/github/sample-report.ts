/**
 * Deterministic `Report` objects for reporter tests (check run, summary, only-changed): shaped as
 * `buildReport` produces them, with sizes chosen by the test.
 */
import type { CheckStatus, RegistryCheck } from '../../src/registry/types.js';
import type { Finding, Report, ReportImage, Severity } from '../../src/report/model.js';

export interface SampleOptions {
  /** Images whose manifest is absent (one error finding per use). */
  absent?: number;
  /** Images with a `latest` tag that exist (one warning per use). */
  latest?: number;
  /** Images that exist and are clean. */
  clean?: number;
  /** Images on a private registry that answered 401 (one warning per use). */
  unauthenticated?: number;
  /** Uses per image, each in its own file line. */
  usesPerImage?: number;
  /** Templated values (notice findings, image skipped). */
  templated?: number;
}

const check = (status: CheckStatus, host: string, extra: Partial<RegistryCheck> = {}): RegistryCheck => ({
  status,
  host,
  ...extra,
});

/** Returns a report with the requested mix; files are `deploy/app-<n>.yaml`, lines 10, 20, 30... */
export function sampleReport(o: SampleOptions = {}): Report {
  const uses = o.usesPerImage ?? 1;
  const images: ReportImage[] = [];
  const findings: Finding[] = [];
  let fileNo = 0;
  const add = (
    raw: string,
    registry: string,
    c: RegistryCheck,
    finding: { rule: string; severity: Severity; message: (raw: string) => string } | null,
  ) => {
    const img: ReportImage = {
      ref: raw,
      normalized: raw.includes('/') && raw.includes('.') ? raw : `docker.io/library/${raw}`,
      registry,
      repository: raw.split('/').slice(1).join('/').split(':')[0] ?? raw,
      tag: raw.split(':').pop() ?? null,
      digest: null,
      check: c,
      uses: [],
    };
    for (let u = 0; u < uses; u++) {
      const file = `deploy/app-${fileNo++}.yaml`;
      const line = 10 * (u + 1);
      img.uses.push({
        file,
        line,
        column: 16,
        kind: 'Deployment',
        namespace: 'shop',
        name: `app-${fileNo}`,
        container: 'main',
        containerType: 'container',
      });
      if (finding)
        findings.push({
          rule: finding.rule,
          severity: finding.severity,
          message: finding.message(raw),
          file,
          line,
          column: 16,
          image: raw,
        });
    }
    images.push(img);
  };
  for (let i = 0; i < (o.absent ?? 0); i++)
    add(`ghcr.io/acme-shop/svc-${i}:1.0.${i}`, 'ghcr.io', check('absent', 'ghcr.io', { httpStatus: 404 }), {
      rule: 'image-absent',
      severity: 'error',
      message: (r) =>
        `${r}: ghcr.io answered 404 MANIFEST_UNKNOWN for tag 1.0; push the image or fix the tag.`,
    });
  for (let i = 0; i < (o.latest ?? 0); i++)
    add(`ghcr.io/acme-shop/tool-${i}:latest`, 'ghcr.io', check('available', 'ghcr.io'), {
      rule: 'latest-tag',
      severity: 'warning',
      message: (r) => `Image "${r}" uses the mutable tag "latest"; pin a version or a digest.`,
    });
  for (let i = 0; i < (o.clean ?? 0); i++)
    add(`ghcr.io/acme-shop/ok-${i}:2.1.${i}`, 'ghcr.io', check('available', 'ghcr.io'), null);
  for (let i = 0; i < (o.unauthenticated ?? 0); i++)
    add(
      `registry.acme.internal:5000/team/private-${i}:3.${i}`,
      'registry.acme.internal:5000',
      check('authentication_failure', 'registry.acme.internal:5000', {
        httpStatus: 401,
        message:
          'registry.acme.internal:5000 answered 401 without credentials: an anonymous client cannot tell a private repository from a missing one; add credentials for this host.',
      }),
      {
        rule: 'registry-authentication',
        severity: 'warning',
        message: (r) => `${r}: registry.acme.internal:5000 answered 401 without credentials.`,
      },
    );
  for (let i = 0; i < (o.templated ?? 0); i++)
    add(`{{ .Values.image${i} }}`, '', check('skipped', '', { reason: 'a Helm template expression' }), {
      rule: 'unresolved-template',
      severity: 'notice',
      message: (r) => `Image "${r}" is a Helm template expression, so it cannot be checked.`,
    });

  findings.sort((a, b) => (a.file ?? '').localeCompare(b.file ?? '') || (a.line ?? 0) - (b.line ?? 0));
  const counts: Record<Severity, number> = { error: 0, warning: 0, notice: 0 };
  for (const f of findings) counts[f.severity]++;
  const checks: Partial<Record<CheckStatus, number>> = {};
  for (const i of images) checks[i.check.status] = (checks[i.check.status] ?? 0) + 1;
  return {
    schemaVersion: 1,
    tool: { name: 'k8s-image-check', version: '0.1.0' },
    images,
    findings,
    files: { scanned: fileNo, skipped: [], errors: [] },
    summary: { findings: counts, checks },
  };
}
