import { describe, expect, it } from 'vitest';
import { apiGroup, findKindRule, KIND_RULES, parsePath } from '../../src/manifests/pod-spec-paths.js';

describe('pod-spec table', () => {
  it('is well formed: every path parses to non-empty keys and no kind/group pair appears twice', () => {
    const seen = new Set<string>();
    for (const rule of KIND_RULES) {
      expect(rule.kinds.length).toBeGreaterThan(0);
      const paths = [
        ...(rule.podSpecs ?? []),
        ...(rule.containers ?? []).map((c) => c.path),
        ...(rule.images ?? []).map((i) => i.path),
      ];
      for (const p of paths) for (const step of parsePath(p)) expect(step.key).toMatch(/^[A-Za-z]+$/);
      for (const kind of rule.kinds) {
        for (const group of rule.groups ?? ['*']) {
          const key = `${kind}@${group}`;
          expect(seen.has(key), key).toBe(false);
          seen.add(key);
        }
      }
    }
  });

  it('parses paths with fan-out steps', () => {
    expect(parsePath('spec.templates[].template.spec')).toEqual([
      { key: 'spec', each: false },
      { key: 'templates', each: true },
      { key: 'template', each: false },
      { key: 'spec', each: false },
    ]);
  });

  it.each([
    ['v1', ''],
    ['apps/v1', 'apps'],
    ['serving.knative.dev/v1', 'serving.knative.dev'],
    [null, ''],
  ])('apiGroup(%s) = %j', (apiVersion, group) => {
    expect(apiGroup(apiVersion)).toBe(group);
  });

  it('tells a Knative Service from a core Service by group', () => {
    expect(findKindRule('Service', 'serving.knative.dev/v1')?.podSpecs).toEqual(['spec.template.spec']);
    expect(findKindRule('Service', 'v1')?.podSpecs).toBeUndefined();
    expect(findKindRule('Service', 'v1')).toBeDefined();
    expect(findKindRule('Deployment', 'apps/v1')?.podSpecs).toEqual(['spec.template.spec']);
    expect(findKindRule('Deployment', 'extensions/v1beta1')?.podSpecs).toEqual(['spec.template.spec']);
    expect(findKindRule('CronJob', 'batch/v1')?.podSpecs).toEqual(['spec.jobTemplate.spec.template.spec']);
    expect(findKindRule('Widget', 'example.com/v1')).toBeUndefined();
  });
});
