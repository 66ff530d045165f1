import { describe, expect, it } from 'vitest';
import type { PullSecretData } from '../../src/cluster/kube.js';
import type { Target } from '../../src/cluster/live-images.js';
import { groupByPullSecrets, mergeImageOutcomes, secretSetId } from '../../src/cluster/pull-secret-groups.js';
import { checkKey, parseReference } from '../../src/image/reference.js';

function target(image: string): { container: string; target: Target } {
  const parsed = parseReference(image);
  if (!parsed.ok) throw new Error(image);
  return { container: 'app', target: { key: checkKey(parsed.ref), ref: parsed.ref, source: 'template' } };
}

const secret = (namespace: string, name: string, auth: string): PullSecretData => ({
  name,
  namespace,
  type: 'kubernetes.io/dockerconfigjson',
  data: { '.dockerconfigjson': auth },
});

describe('secretSetId', () => {
  it('depends on the content only: not on names, namespaces, order or duplicates', () => {
    const a = secret('shop', 'regcred', 'QQ==');
    const b = secret('shop', 'other', 'Qg==');
    expect(secretSetId([a, b])).toBe(secretSetId([secret('blog', 'x', 'Qg=='), secret('blog', 'y', 'QQ==')]));
    expect(secretSetId([a, a])).toBe(secretSetId([a]));
    expect(secretSetId([a])).not.toBe(secretSetId([b]));
    expect(secretSetId([a])).not.toBe(secretSetId([]));
    expect(secretSetId([a])).not.toContain('QQ==');
  });
});

describe('groupByPullSecrets', () => {
  it('groups workloads by secret set, deduplicates targets per group, skips workloads without targets', () => {
    const cred = secret('shop', 'regcred', 'QQ==');
    const groups = groupByPullSecrets(
      new Map([
        ['shop/Deployment/a', [target('registry.example.com/app:1'), target('nginx:1.27')]],
        ['shop/Deployment/b', [target('nginx:1.27')]],
        ['shop/Deployment/c', [target('registry.example.com/app:1')]],
        ['shop/Deployment/idle', []],
      ]),
      new Map([
        ['shop/Deployment/a', [cred]],
        ['shop/Deployment/c', [cred]],
        ['shop/Deployment/b', []],
      ]),
    );
    expect(
      groups.map((g) => [g.secrets.map((s) => s.name), g.workloads, g.targets.map((t) => t.key)]),
    ).toEqual([
      [
        ['regcred'],
        ['shop/Deployment/a', 'shop/Deployment/c'],
        ['docker.io/library/nginx:1.27', 'registry.example.com/app:1'],
      ],
      [[], ['shop/Deployment/b'], ['docker.io/library/nginx:1.27']],
    ]);
  });
});

describe('mergeImageOutcomes', () => {
  it('reports the problem one set hit, with the per-set breakdown only when statuses differ', () => {
    const ok = { check: { status: 'available' as const }, users: ['shop/Deployment/a/app'] };
    const denied = {
      check: { status: 'authorization_failure' as const, message: 'denied' },
      users: ['shop/Deployment/c/app', 'shop/Deployment/b/app'],
    };
    expect(mergeImageOutcomes([ok, denied])).toEqual({
      check: denied.check,
      byCredentials: [ok, { check: denied.check, users: ['shop/Deployment/b/app', 'shop/Deployment/c/app'] }],
    });
    expect(mergeImageOutcomes([ok, ok])).toEqual({ check: ok.check });
    expect(mergeImageOutcomes([])).toEqual({ check: { status: 'not_checked' } });
  });
});
