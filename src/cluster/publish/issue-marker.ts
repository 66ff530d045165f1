/**
 * The hidden marker that ties a GitHub issue to one workload and carries state between scheduled runs:
 * `<!-- k8s-image-check:v1 {"cluster":"prod","namespace":"shop","kind":"Deployment","name":"cart",…} -->`.
 * The list API (filtered by the dedicated label) finds the candidates; the marker decides which workload an
 * issue is about, so a renamed title or an edited label never produces a duplicate.
 */

/** The marker prefix; the version changes only if the JSON shape becomes incompatible. */
export const MARKER_PREFIX = 'k8s-image-check:v1';

/** Identity of an issue: one per (cluster, namespace, kind, name) (docs/pod-health.md#issues). */
export interface IssueTarget {
  cluster: string;
  namespace: string;
  kind: string;
  name: string;
}

/** Why the tool closed an issue (absent while open, and when a person closed it). */
export type CloseReason = 'resolved' | 'workload_removed' | 'duplicate';

/** State carried in the marker between runs. */
export interface IssueState extends IssueTarget {
  /** The workload fingerprint the body describes. */
  fingerprint: string;
  /** Consecutive clean runs seen since the last problem. */
  cleanRuns: number;
  /** Restart escalation tier already announced (index into the tiers, 0 = none). */
  tier: number;
  /** Set when the tool closed the issue. */
  closed?: CloseReason;
}

const MARKER_RE = new RegExp(
  `<!--\\s*${MARKER_PREFIX.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+(\\{.*?\\})\\s*-->`,
  's',
);

/** Returns the key that identifies a target (stable, unambiguous for any names). */
export function targetKey(t: IssueTarget): string {
  return JSON.stringify([t.cluster, t.namespace, t.kind, t.name]);
}

/** Renders the marker comment. `<`, `>` and `-` in values are JSON-escaped so no value can end the comment. */
export function renderMarker(state: IssueState): string {
  const ordered: IssueState = {
    cluster: state.cluster,
    namespace: state.namespace,
    kind: state.kind,
    name: state.name,
    fingerprint: state.fingerprint,
    cleanRuns: state.cleanRuns,
    tier: state.tier,
    ...(state.closed ? { closed: state.closed } : {}),
  };
  const json = JSON.stringify(ordered).replace(
    /[<>-]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return `<!-- ${MARKER_PREFIX} ${json} -->`;
}

function isString(v: unknown): v is string {
  return typeof v === 'string';
}

/** Reads the marker of an issue body, or null when there is none or it is malformed. */
export function parseMarker(body: string | null | undefined): IssueState | null {
  if (!body) return null;
  // The tool appends its marker at the end: the last one wins over anything quoted earlier in the body.
  const all = [...body.matchAll(new RegExp(MARKER_RE.source, 'gs'))];
  const m = all[all.length - 1];
  if (!m?.[1]) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(m[1]);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const o = raw as Record<string, unknown>;
  if (!isString(o.cluster) || !isString(o.namespace) || !isString(o.kind) || !isString(o.name)) return null;
  const closed =
    o.closed === 'resolved' || o.closed === 'workload_removed' || o.closed === 'duplicate'
      ? o.closed
      : undefined;
  return {
    cluster: o.cluster,
    namespace: o.namespace,
    kind: o.kind,
    name: o.name,
    fingerprint: isString(o.fingerprint) ? o.fingerprint : '',
    cleanRuns: typeof o.cleanRuns === 'number' && o.cleanRuns >= 0 ? Math.floor(o.cleanRuns) : 0,
    tier: typeof o.tier === 'number' && o.tier >= 0 ? Math.floor(o.tier) : 0,
    ...(closed ? { closed } : {}),
  };
}

/** Replaces the marker in a body (appends one when missing), keeping everything else. */
export function replaceMarker(body: string, state: IssueState): string {
  const marker = renderMarker(state);
  const all = [...body.matchAll(new RegExp(MARKER_RE.source, 'gs'))];
  const last = all[all.length - 1];
  if (!last || last.index === undefined) return `${body.trimEnd()}\n\n${marker}\n`;
  return body.slice(0, last.index) + marker + body.slice(last.index + last[0].length);
}
