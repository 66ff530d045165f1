/** Audit fixes of the planner: namespace scope and partial runs leave what the run did not see untouched. */
import { describe, expect, it } from 'vitest';
import { renderMarker } from '../../../src/cluster/publish/issue-marker.js';
import {
  type ExistingIssue,
  type PlanIssuesOptions,
  planIssues,
} from '../../../src/cluster/publish/issues.js';
import { crashingPod, pod, workload } from './issues-fixtures.js';

const now = new Date('2026-11-26T06:00:00Z');
const opts: PlanIssuesOptions = { cluster: 'prod', label: 'k8s-image-check', runComplete: true, now };

function existingFor(w: ReturnType<typeof workload>, number: number, cleanRuns = 0): ExistingIssue {
  const state = {
    cluster: w.cluster,
    namespace: w.namespace,
    kind: w.kind,
    name: w.name,
    fingerprint: w.fingerprint,
    cleanRuns,
    tier: 1,
  };
  return {
    number,
    state: 'open',
    title: 't',
    body: `old body\n${renderMarker(state)}`,
    labels: ['k8s-image-check'],
  };
}

describe('planIssues scope', () => {
  const shop = workload({ pods: [crashingPod()] });
  const mon = workload({
    namespace: 'monitoring',
    name: 'prometheus',
    pods: [pod({ namespace: 'monitoring', owner: { kind: 'Deployment', name: 'prometheus' } })],
  });

  it('a --namespace monitoring run neither closes nor counts issues of other namespaces', () => {
    const actions = planIssues([existingFor(shop, 1), existingFor(mon, 2, 0)], [mon], {
      ...opts,
      scope: { namespaces: ['monitoring'], excludeNamespaces: [] },
    });
    expect(actions.map((a) => [a.type, 'number' in a ? a.number : null])).toEqual([['update', 2]]);
    expect(actions.some((a) => 'number' in a && a.number === 1)).toBe(false);
  });

  it('without a scope the same run closes the shop issue as removed (the behaviour the scope prevents)', () => {
    const actions = planIssues([existingFor(shop, 1)], [mon], opts);
    expect(actions).toEqual([
      expect.objectContaining({ type: 'close', reason: 'workload_removed', number: 1 }),
    ]);
  });

  it('an excluded namespace is out of scope too', () => {
    const actions = planIssues([existingFor(shop, 1)], [mon], {
      ...opts,
      scope: { namespaces: [], excludeNamespaces: ['shop'] },
    });
    expect(actions).toEqual([]);
  });
});

describe('planIssues on a partial run', () => {
  const errors = [{ kind: 'pods', namespace: 'shop', message: 'pods is forbidden in shop' }];

  it('leaves the issue of a workload whose pods could not be listed untouched, even if it looks changed', () => {
    const before = workload({ pods: [crashingPod()] });
    // The pods list failed, so the run sees the workload without pods: a different fingerprint.
    const seen = workload({ pods: [] });
    const actions = planIssues([existingFor(before, 1)], [seen], { ...opts, runComplete: false, errors });
    expect(actions).toEqual([expect.objectContaining({ type: 'noop', reason: 'incomplete_run', number: 1 })]);
  });

  it('opens no issue for an unhealthy-looking workload in a namespace it could not list', () => {
    const actions = planIssues([], [workload({ pods: [crashingPod()] })], {
      ...opts,
      runComplete: false,
      errors,
    });
    expect(actions).toEqual([
      expect.objectContaining({ type: 'noop', reason: 'incomplete_run', number: null }),
    ]);
  });

  it('still updates workloads of namespaces it saw', () => {
    const before = workload({ namespace: 'web', pods: [crashingPod({ namespace: 'web' })] });
    const after = workload({
      namespace: 'web',
      pods: [crashingPod({ namespace: 'web', exitCode: 2, reason: 'Error' })],
    });
    expect(after.fingerprint).not.toBe(before.fingerprint);
    const actions = planIssues([existingFor(before, 1)], [after], { ...opts, runComplete: false, errors });
    expect(actions).toEqual([expect.objectContaining({ type: 'update', reason: 'fingerprint_changed' })]);
  });
});
