import { describe, expect, it } from 'vitest';
import {
  applyImageEntry,
  isImageMatched,
  type KustomizeImageEntry,
  splitImage,
} from '../../../src/manifests/kustomize/image-transform.js';
import { imageTransformPasses } from '../../../src/manifests/kustomize/resources.js';

describe('splitImage (kustomize image.Split)', () => {
  it.each([
    ['nginx', { name: 'nginx', tag: '', digest: '' }],
    ['nginx:1.25', { name: 'nginx', tag: '1.25', digest: '' }],
    ['localhost:5000/app', { name: 'localhost:5000/app', tag: '', digest: '' }],
    ['localhost:5000/app:v1', { name: 'localhost:5000/app', tag: 'v1', digest: '' }],
    ['ghcr.io/a/b@sha256:abc', { name: 'ghcr.io/a/b', tag: '', digest: 'sha256:abc' }],
    ['ghcr.io/a/b:1.0@sha256:abc', { name: 'ghcr.io/a/b', tag: '1.0', digest: 'sha256:abc' }],
    ['busybox@sha256:abc', { name: 'busybox', tag: '', digest: 'sha256:abc' }],
  ])('%s', (image, expected) => {
    expect(splitImage(image)).toEqual(expected);
  });
});

describe('isImageMatched (kustomize image.IsImageMatched)', () => {
  it.each([
    ['nginx', 'nginx', true],
    ['nginx:1.25', 'nginx', true],
    ['nginx@sha256:abc', 'nginx', true],
    ['nginx:1.25@sha256:abc', 'nginx', true],
    ['docker.io/library/nginx:1.25', 'nginx', false], // no normalisation: the name must be written the same way
    ['nginx-extra:1.25', 'nginx', false],
    ['my/nginx:1.25', 'nginx', false],
    ['quay.io/argoproj/argo-rollouts:v1', 'quay.io/argoproj/argo-rollouts', true],
    // kustomize does not escape the name: `.` matches any character, exactly as upstream.
    ['quayXio/argoproj/argo-rollouts:v1', 'quay.io/argoproj/argo-rollouts', true],
    ['app:{{tag}}', 'app', true],
  ])('%s against %s → %s', (image, name, expected) => {
    expect(isImageMatched(image, name)).toBe(expected);
  });

  it('reads a leading `*` as Go does (`^*` repeats the anchor, so the start is unanchored)', () => {
    // Checked against kubectl kustomize v5.5.0 with `images: [{name: "*/app", newTag: "2.0"}]`.
    expect(isImageMatched('registry.example.com/team/app:1.0', '*/app')).toBe(true);
    expect(isImageMatched('other/app', '*/app')).toBe(true);
    expect(isImageMatched('app:1.0', '*/app')).toBe(false);
    expect(isImageMatched('other/application:1', '*/app')).toBe(false);
    expect(applyImageEntry('registry.example.com/team/app:1.0', { name: '*/app', newTag: '2.0' })).toBe(
      'registry.example.com/team/app:2.0',
    );
    expect(applyImageEntry('app:1.0', { name: '*/app', newTag: '2.0' })).toBeNull();
    expect(applyImageEntry('x/y/app@sha256:abc', { name: '*/app', newTag: '2.0' })).toBe('x/y/app:2.0');
  });

  it('falls back to an exact name comparison when the name is not a valid expression', () => {
    expect(isImageMatched('weird(name:1', 'weird(name')).toBe(true);
    expect(isImageMatched('other:1', 'weird(name')).toBe(false);
  });
});

describe('applyImageEntry (imageTagUpdater.SetImageValue)', () => {
  const cases: [string, KustomizeImageEntry, string | null][] = [
    ['nginx:1.25', { name: 'nginx', newTag: '1.27' }, 'nginx:1.27'],
    ['nginx', { name: 'nginx', newTag: '1.27' }, 'nginx:1.27'],
    ['nginx:1.25@sha256:aaa', { name: 'nginx', newTag: '1.27' }, 'nginx:1.27'],
    ['nginx:1.25', { name: 'nginx', digest: 'sha256:bbb' }, 'nginx@sha256:bbb'],
    ['nginx:1.25', { name: 'nginx', newTag: '1.27', digest: 'sha256:bbb' }, 'nginx:1.27@sha256:bbb'],
    ['nginx:1.25', { name: 'nginx', newName: 'mirror.io/nginx' }, 'mirror.io/nginx:1.25'],
    ['nginx:1.25', { name: 'nginx', newName: 'mirror.io/nginx', newTag: '2' }, 'mirror.io/nginx:2'],
    ['app:1.0', { name: 'app', tagSuffix: '-debug' }, 'app:1.0-debug'],
    ['app:1.0@sha256:aaa', { name: 'app', tagSuffix: '-debug' }, 'app:1.0-debug'],
    ['app:1.0', { name: 'app', newTag: '2.0', tagSuffix: '-debug' }, 'app:2.0'],
    ['app:1.0', { name: 'app' }, 'app:1.0'],
    ['other:1.0', { name: 'app', newTag: '2.0' }, null],
  ];
  it.each(cases)('%s with %j → %s', (image, entry, expected) => {
    expect(applyImageEntry(image, entry)).toBe(expected);
  });
});

describe('imageTransformPasses (LegacyFilter + field-spec filter of ImageTagTransformer)', () => {
  it.each([
    ['Deployment', ['spec', 'template', 'spec', 'containers', 0, 'image'], 2],
    ['Deployment', ['spec', 'template', 'spec', 'initContainers', 1, 'image'], 2],
    ['Pod', ['spec', 'containers', 0, 'image'], 2],
    ['CronJob', ['spec', 'jobTemplate', 'spec', 'template', 'spec', 'containers', 0, 'image'], 1],
    ['Pod', ['spec', 'ephemeralContainers', 0, 'image'], 0],
    ['Workflow', ['spec', 'templates', 0, 'container', 'image'], 0],
    ['Workflow', ['spec', 'templates', 0, 'containerSet', 'containers', 0, 'image'], 1],
    ['Prometheus', ['spec', 'image'], 0],
    ['CustomResourceDefinition', ['spec', 'template', 'spec', 'containers', 0, 'image'], 0],
  ] as const)('%s %j → %d', (kind, path, passes) => {
    expect(imageTransformPasses(kind, [...path], 'container')).toBe(passes);
  });

  it('falls back to one pass (none for ephemeral containers) when the path is unknown', () => {
    expect(imageTransformPasses('Deployment', undefined, 'container')).toBe(1);
    expect(imageTransformPasses('Deployment', undefined, 'ephemeralContainer')).toBe(0);
  });
});

describe('isImageMatched on hostile names', () => {
  it('runs a catastrophic-backtracking name in linear time (RE2, as kustomize does)', () => {
    const started = performance.now();
    expect(isImageMatched(`${'a'.repeat(5000)}!`, '(a+)+')).toBe(false);
    expect(isImageMatched('a'.repeat(5000), '(a+)+')).toBe(true);
    // Generous: RE2 takes milliseconds; a backtracking engine would not finish.
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('compares names exactly when the name is not an RE2 expression', () => {
    expect(isImageMatched('x(?=y):1', 'x(?=y)')).toBe(true);
    expect(isImageMatched('xy:1', 'x(?=y)')).toBe(false);
  });
});
