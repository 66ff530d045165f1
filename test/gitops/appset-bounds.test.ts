/** ApplicationSets are repository input: positions stay those of the file, and the work stays bounded. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readGitOpsObjects } from '../../src/manifests/gitops/objects.js';

const fixture = fileURLToPath(new URL('../../fixtures/gitops/argo/argocd/shop.yaml', import.meta.url));

describe('ApplicationSet list generator', () => {
  it('reports each generated Application at the lines of the ApplicationSet file', () => {
    const text = readFileSync(fixture, 'utf8');
    const out = readGitOpsObjects('argocd/shop.yaml', text);
    expect(out.deployments.map((d) => [d.name, d.path])).toEqual([
      ['shop-prod', 'envs/prod'],
      ['shop-staging', 'envs/staging'],
    ]);
    const imagesLine =
      text.split('\n').findIndex((l) => l.includes('registry.example.com/shop/web:{{tag}}')) + 1;
    for (const d of out.deployments) expect(d.images.map((i) => i.line)).toEqual([imagesLine]);
    const nsLine = text.split('\n').findIndex((l) => l.includes('namespace: shop')) + 1;
    expect(out.deployments[0]?.namespace?.line).toBe(nsLine);
  });

  it('follows at most 200 elements and parses only the template per element (padding does not cost)', () => {
    const elements = Array.from({ length: 1_000 }, (_, i) => `          - p: e${i}`).join('\n');
    const text = `${'#\n'.repeat(100_000)}apiVersion: argoproj.io/v1alpha1\nkind: ApplicationSet\nmetadata:\n  name: many\nspec:\n  generators:\n    - list:\n        elements:\n${elements}\n  template:\n    metadata:\n      name: 'app-{{p}}'\n    spec:\n      source:\n        repoURL: https://github.com/example/fleet.git\n        path: 'envs/{{p}}'\n      destination:\n        namespace: shop\n`;
    const started = Date.now();
    const out = readGitOpsObjects('many.yaml', text, ['https://github.com/example/fleet.git']);
    expect(Date.now() - started).toBeLessThan(20_000); // generous: it was minutes before the fix
    expect(out.deployments).toHaveLength(200);
    expect(out.notes.join('\n')).toContain('more than 200 elements');
    expect(out.deployments[0]?.line).toBeGreaterThan(100_000);
  });
});
