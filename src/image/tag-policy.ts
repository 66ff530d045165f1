/**
 * Tag policy: which tags make a deployment unreproducible or unpredictable. Pure: the caller maps
 * rule ids to severities (or off) from the rules table.
 */
import { checkKey, familiarString } from './reference.js';
import type { ImageReference } from './types.js';

/** Rule ids this module can raise; stable public names. */
export type TagPolicyRule = 'dirty-tag' | 'latest-tag' | 'missing-tag' | 'mutable-tag' | 'digest-required';

/** One tag-policy violation: the rule and a message saying what is wrong and what to do. */
export interface TagPolicyViolation {
  rule: TagPolicyRule;
  message: string;
}

/** Options of {@link evaluateTagPolicy}. */
export interface TagPolicyOptions {
  /**
   * Dirty-tag patterns: JavaScript regular expression sources (compiled without flags, so
   * case-sensitive) or compiled expressions. Default in the configuration: `['-dirty$']`, the suffix
   * `git describe --dirty` appends.
   */
  dirtyPatterns: readonly (string | RegExp)[];
  /** Tags that are moved to new builds (`main`, `dev`, ...); compared case-sensitively. */
  mutableTags: readonly string[];
}

/** The default dirty-tag patterns: the `-dirty` suffix of `git describe --dirty`. */
export const DEFAULT_DIRTY_PATTERNS: readonly string[] = ['-dirty$'];

const compiledCache = new Map<string, RegExp>();

/**
 * Returns the compiled dirty-tag patterns, or throws an Error naming the first pattern that is not a
 * valid regular expression (use it to validate configuration up front).
 */
export function compileDirtyPatterns(patterns: readonly string[]): RegExp[] {
  return patterns.map((pattern, index) => {
    const cached = compiledCache.get(pattern);
    if (cached !== undefined) return cached;
    let re: RegExp;
    try {
      re = new RegExp(pattern);
    } catch (error: unknown) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(
        `Dirty-tag pattern #${index + 1} ${JSON.stringify(pattern)} is not a valid regular expression (${reason}); ` +
          `write a JavaScript regular expression such as "-dirty$".`,
      );
    }
    compiledCache.set(pattern, re);
    return re;
  });
}

function matchesAny(tag: string, patterns: readonly (string | RegExp)[]): boolean {
  for (const pattern of patterns) {
    const re = typeof pattern === 'string' ? compileDirtyPatterns([pattern])[0]! : pattern;
    // search() ignores lastIndex, so a caller's /g or /y expression cannot make this stateful.
    if (tag.search(re) !== -1) return true;
  }
  return false;
}

/**
 * Returns the tag-policy violations of one parsed reference, in a fixed rule order.
 *
 * @remarks
 * A reference pinned by digest (`nginx:latest@sha256:…`) is not mutable: the kubelet pulls the
 * digest and ignores the tag, so `latest-tag`, `missing-tag` and `mutable-tag` do not apply to it.
 * `dirty-tag` still does: the digest pins a build nobody can reproduce. A `latest` tag raises
 * `latest-tag` only, even when `latest` is also in `mutableTags`. `digest-required` is raised for
 * every reference without a digest; the rules table switches it off by default.
 */
export function evaluateTagPolicy(ref: ImageReference, options: TagPolicyOptions): TagPolicyViolation[] {
  const violations: TagPolicyViolation[] = [];
  const tag = ref.tag;
  if (tag !== null && matchesAny(tag, options.dirtyPatterns)) {
    violations.push({
      rule: 'dirty-tag',
      message:
        `Tag ${JSON.stringify(tag)} was built from a work tree with uncommitted changes: nobody can rebuild it; ` +
        `build from a clean commit and use that tag.`,
    });
  }
  if (ref.digest !== null) return violations;
  if (tag === null) {
    violations.push({
      rule: 'missing-tag',
      message:
        `No tag or digest: the kubelet pulls ${JSON.stringify(checkKey(ref))}, which changes whenever someone ` +
        `pushes a new "latest"; pin a version tag or a digest.`,
    });
  } else if (tag === 'latest') {
    violations.push({
      rule: 'latest-tag',
      message:
        `Tag "latest" points at whatever was pushed last: nodes can run different images and a rollback ` +
        `cannot bring the old one back; pin a version tag or a digest.`,
    });
  } else if (options.mutableTags.includes(tag)) {
    violations.push({
      rule: 'mutable-tag',
      message:
        `Tag ${JSON.stringify(tag)} is in the mutable-tags list: it is moved to new builds, so what runs ` +
        `depends on when each pod started; pin a version tag or a digest.`,
    });
  }
  violations.push({
    rule: 'digest-required',
    message:
      `Image ${JSON.stringify(familiarString(ref))} is not pinned by digest: the tag can be moved to other ` +
      `content; append the digest (${familiarString(ref)}@sha256:…).`,
  });
  return violations;
}
