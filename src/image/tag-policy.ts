/**
 * Tag policy: which tags make a deployment unreproducible or unpredictable. Pure: the caller maps
 * rule ids to severities (or off) from the rules table.
 */
import { compileSafePattern, PatternError, RE2_HINT, type SafePattern } from '../safe-regex.js';
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
   * Dirty-tag patterns: RE2 regular expression sources (compiled without flags, so case-sensitive;
   * linear-time, see safe-regex.ts) or compiled patterns. Default in the configuration:
   * `['-dirty$']`, the suffix `git describe --dirty` appends.
   */
  dirtyPatterns: readonly (string | SafePattern)[];
  /** Tags that are moved to new builds (`main`, `dev`, ...); compared case-sensitively. */
  mutableTags: readonly string[];
}

/** The default dirty-tag patterns: the `-dirty` suffix of `git describe --dirty`. */
export const DEFAULT_DIRTY_PATTERNS: readonly string[] = ['-dirty$'];

/**
 * Returns the compiled dirty-tag patterns, or throws an Error naming the first pattern that is not a
 * valid RE2 regular expression (use it to validate configuration up front).
 */
export function compileDirtyPatterns(patterns: readonly string[]): SafePattern[] {
  return patterns.map((pattern, index) => {
    try {
      return compileSafePattern(pattern);
    } catch (error: unknown) {
      if (!(error instanceof PatternError)) throw error;
      throw new Error(
        `Dirty-tag pattern #${index + 1} ${JSON.stringify(pattern)} ${error.message}; ${RE2_HINT} such as "-dirty$".`,
      );
    }
  });
}

function matchesAny(tag: string, patterns: readonly (string | SafePattern)[]): boolean {
  for (const pattern of patterns) {
    const re = typeof pattern === 'string' ? compileDirtyPatterns([pattern])[0]! : pattern;
    if (re.test(tag)) return true;
  }
  return false;
}

/**
 * Returns the tag-policy violations of one parsed reference, in a fixed rule order. Each message names the
 * image as written, so a line of output says which image it is about without its context.
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
        `Image ${JSON.stringify(ref.raw)} was built from a work tree with uncommitted changes (tag ${JSON.stringify(tag)}): ` +
        `nobody can rebuild it; build from a clean commit and use that tag.`,
    });
  }
  if (ref.digest !== null) return violations;
  if (tag === null) {
    violations.push({
      rule: 'missing-tag',
      message:
        `Image ${JSON.stringify(ref.raw)} has no tag or digest: the kubelet pulls ${JSON.stringify(checkKey(ref))}, ` +
        `which changes whenever someone pushes a new "latest"; pin a version tag or a digest.`,
    });
  } else if (tag === 'latest') {
    violations.push({
      rule: 'latest-tag',
      message:
        `Image ${JSON.stringify(ref.raw)} uses tag "latest", which points at whatever was pushed last: nodes can ` +
        `run different images and a rollback cannot bring the old one back; pin a version tag or a digest.`,
    });
  } else if (options.mutableTags.includes(tag)) {
    violations.push({
      rule: 'mutable-tag',
      message:
        `Image ${JSON.stringify(ref.raw)} uses tag ${JSON.stringify(tag)}, which is in the mutable-tags list: it is ` +
        `moved to new builds, so what runs depends on when each pod started; pin a version tag or a digest.`,
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
