import { describe, expect, it } from 'vitest';
import { planRendering } from '../../../src/manifests/kustomize/render-plan.js';

const onPath = (names: string[]) => async (p: string) => names.includes(p);
const kubectl = { command: '/usr/bin/kubectl', args: ['kustomize'], label: 'kubectl kustomize' };

describe('planRendering', () => {
  it.each([
    ['none', ['/usr/bin/kubectl', '/usr/bin/helm'], null, 'none', null],
    ['auto', ['/usr/bin/kubectl', '/usr/bin/helm'], null, 'auto', '/usr/bin/helm'],
    ['auto', [], null, 'none', null],
    ['kustomize', ['/usr/bin/kubectl', '/usr/bin/helm'], kubectl, 'none', null],
    ['helm', ['/usr/bin/kubectl', '/usr/bin/helm'], null, 'helm', '/usr/bin/helm'],
    ['helm', [], null, 'helm', null],
  ] as const)('render: %s with %j on PATH', async (render, present, kustomize, helm, helmPath) => {
    const plan = await planRendering(render, '/usr/bin', onPath([...present]));
    expect(plan.kustomize).toEqual(kustomize);
    expect(plan.helm).toBe(helm);
    expect(plan.helmPath).toBe(helmPath);
    expect(plan.notes).toEqual([]);
  });

  it('says what to do when render: kustomize finds no binary', async () => {
    const plan = await planRendering('kustomize', '/usr/bin', onPath([]));
    expect(plan.kustomize).toBeNull();
    expect(plan.notes).toEqual([
      'render: kustomize is set but neither kustomize nor kubectl is on the PATH; kustomizations are rendered natively. Install kubectl or kustomize on the runner.',
    ]);
  });
});
