import { describe, expect, it } from 'vitest';
import { parseReference } from '../../src/image/reference.js';
import {
  compileDirtyPatterns,
  DEFAULT_DIRTY_PATTERNS,
  evaluateTagPolicy,
  type TagPolicyOptions,
} from '../../src/image/tag-policy.js';
import type { ImageReference } from '../../src/image/types.js';
import { compileSafePattern } from '../../src/safe-regex.js';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const defaults: TagPolicyOptions = {
  dirtyPatterns: DEFAULT_DIRTY_PATTERNS,
  mutableTags: ['main', 'master', 'dev', 'staging'],
};

function ref(raw: string): ImageReference {
  const result = parseReference(raw);
  if (!result.ok) throw new Error(result.error);
  return result.ref;
}

function rules(raw: string, options: TagPolicyOptions = defaults): string[] {
  return evaluateTagPolicy(ref(raw), options).map((v) => v.rule);
}

describe('evaluateTagPolicy rules', () => {
  it.each([
    ['nginx:1.25.3', ['digest-required']],
    ['nginx', ['missing-tag', 'digest-required']],
    ['nginx:latest', ['latest-tag', 'digest-required']],
    ['ghcr.io/org/app:v1.2.3-dirty', ['dirty-tag', 'digest-required']],
    ['ghcr.io/org/app:v1.2.3-4-gabcdef-dirty', ['dirty-tag', 'digest-required']],
    // only the suffix counts with the default pattern
    ['ghcr.io/org/app:dirty-1.0', ['digest-required']],
    ['ghcr.io/org/app:1.0-DIRTY', ['digest-required']],
    ['ghcr.io/org/app:main', ['mutable-tag', 'digest-required']],
    ['ghcr.io/org/app:staging', ['mutable-tag', 'digest-required']],
    // mutable tags are case-sensitive
    ['ghcr.io/org/app:Main', ['digest-required']],
    ['ghcr.io/org/app:main-2024', ['digest-required']],
    // pinned by digest: the kubelet ignores the tag, so latest/mutable/missing do not apply
    [`nginx@${DIGEST}`, []],
    [`nginx:latest@${DIGEST}`, []],
    [`ghcr.io/org/app:main@${DIGEST}`, []],
    // ... but a dirty build stays a dirty build
    [`ghcr.io/org/app:1.0-dirty@${DIGEST}`, ['dirty-tag']],
  ])('%s → %j', (raw, expected) => {
    expect(rules(raw)).toEqual(expected);
  });

  it('raises latest-tag only once when "latest" is also listed as mutable', () => {
    expect(rules('nginx:latest', { dirtyPatterns: [], mutableTags: ['latest'] })).toEqual([
      'latest-tag',
      'digest-required',
    ]);
  });

  it('uses configured dirty patterns (any of them) and accepts compiled patterns', () => {
    const options: TagPolicyOptions = {
      dirtyPatterns: ['-wip$', compileSafePattern('^snapshot-')],
      mutableTags: [],
    };
    expect(rules('app:1.0-wip', options)).toEqual(['dirty-tag', 'digest-required']);
    expect(rules('app:snapshot-7', options)).toEqual(['dirty-tag', 'digest-required']);
    expect(rules('app:1.0-dirty', options)).toEqual(['digest-required']);
  });

  it('gives the same answer twice for the same pattern (compiled patterns are stateless)', () => {
    const options: TagPolicyOptions = { dirtyPatterns: compileDirtyPatterns(['-dirty$']), mutableTags: [] };
    const first = rules('app:1-dirty', options);
    const second = rules('app:1-dirty', options);
    expect([first, second]).toEqual([
      ['dirty-tag', 'digest-required'],
      ['dirty-tag', 'digest-required'],
    ]);
  });

  it('runs a catastrophic-backtracking pattern in linear time', () => {
    // `^(a+)+$` against `aaa…ab` takes exponential time on a backtracking engine (JavaScript's
    // RegExp needs minutes at 30 characters); on RE2 the longest tag (128 characters) is instant.
    // The bound is generous so that it cannot flake on a loaded machine.
    const tag = `${'a'.repeat(127)}b`;
    const started = performance.now();
    const hit = rules(`app:${tag}`, { dirtyPatterns: ['^(a+)+$', '(x+x+)+y'], mutableTags: [] });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(hit).toEqual(['digest-required']);
    expect(rules(`app:${'a'.repeat(128)}`, { dirtyPatterns: ['^(a+)+$'], mutableTags: [] })).toEqual([
      'dirty-tag',
      'digest-required',
    ]);
  });

  it('raises nothing for dirty tags when the pattern list is empty', () => {
    expect(rules('app:1.0-dirty', { dirtyPatterns: [], mutableTags: [] })).toEqual(['digest-required']);
  });
});

describe('evaluateTagPolicy messages', () => {
  it('says what is wrong and what to do, ending with a period', () => {
    const all = [
      ...evaluateTagPolicy(ref('app:1.2.3-dirty'), defaults),
      ...evaluateTagPolicy(ref('app'), defaults),
      ...evaluateTagPolicy(ref('app:latest'), defaults),
      ...evaluateTagPolicy(ref('app:main'), defaults),
    ];
    const byRule = Object.fromEntries(all.map((v) => [v.rule, v.message]));
    expect(byRule['dirty-tag']).toBe(
      'Image "app:1.2.3-dirty" was built from a work tree with uncommitted changes (tag "1.2.3-dirty"): nobody can rebuild it; ' +
        'build from a clean commit and use that tag.',
    );
    expect(byRule['missing-tag']).toContain('"docker.io/library/app:latest"');
    expect(byRule['mutable-tag']).toContain(
      'Image "app:main" uses tag "main", which is in the mutable-tags list',
    );
    // Every tag-policy message names the image, so a line of output stands on its own (issue 13).
    expect(byRule['latest-tag']).toContain('Image "app:latest" uses tag "latest"');
    expect(byRule['missing-tag']).toContain('Image "app" has no tag or digest');
    expect(byRule['digest-required']).toContain('app:main@sha256:');
    for (const violation of all) expect(violation.message).toMatch(/; [^;]+\.$/);
  });
});

describe('compileDirtyPatterns', () => {
  it('compiles valid patterns, case-sensitively', () => {
    const [re] = compileDirtyPatterns(['-dirty$']);
    expect([re?.test('1-dirty'), re?.test('1-DIRTY'), re?.source]).toEqual([true, false, '-dirty$']);
  });

  it('names the bad pattern and its position', () => {
    expect(() => compileDirtyPatterns(['-dirty$', '(unclosed'])).toThrow(
      /^Dirty-tag pattern #2 "\(unclosed" is not a valid regular expression \(.+\); use an RE2-compatible pattern \(.+\) such as "-dirty\$"\.$/,
    );
  });
});
