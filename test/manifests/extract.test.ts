import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractFile, MISSING_IMAGE_REASON } from '../../src/manifests/extract.js';
import { extractFixture, FIXTURES } from './fixture.js';

/** [line, column, raw, kind, name, container, containerType, docIndex] */
type Row = [number, number, string, string, string | null, string | null, string, number];

function rows(name: string): Row[] {
  return extractFixture(name).uses.map((u) => [
    u.line,
    u.column,
    u.raw,
    u.kind,
    u.name,
    u.container,
    u.containerType,
    u.docIndex,
  ]);
}

describe('extractFile over fixtures', () => {
  const table: Array<[string, Row[]]> = [
    [
      'multi-doc-trailing-separator.yaml',
      [
        [12, 18, 'nginx:1.27', 'Deployment', 'web', 'web', 'container', 0],
        // Documents 1 (empty) and 2 (comment only) keep their indexes; quoted value: column of the quote.
        [24, 14, 'busybox:1.36', 'Pod', 'debug-', 'shell', 'container', 3],
      ],
    ],
    [
      'crlf.yaml',
      [
        [8, 14, 'alpine:3.20', 'Pod', 'crlf', 'app', 'container', 0],
        [11, 14, 'busybox:1.36', 'Pod', 'crlf', 'init', 'initContainer', 0],
      ],
    ],
    ['tab-indented.json', [[12, 14, 'redis:7.2', 'Pod', 'tabbed', 'app', 'container', 0]]],
    [
      'rbd-volume-image-not-container.yaml',
      [[8, 14, 'kubernetes/pause', 'Pod', 'rbd', 'rbd-rw', 'container', 0]],
    ],
    ['crd-schema-image-property.yaml', []],
    [
      'kind-list.yaml',
      [
        [14, 22, 'nginx:1.27', 'Deployment', 'in-list', 'app', 'container', 0],
        [32, 18, 'redis:7.2', 'Pod', 'listed-pod', 'c', 'container', 1],
      ],
    ],
    [
      'argo-rollout.yaml',
      [
        [10, 18, 'argoproj/rollouts-demo:blue', 'Rollout', 'canary', 'app', 'container', 0],
        [23, 22, 'argoproj/rollouts-demo:blue', 'Experiment', 'exp', 'baseline', 'container', 1],
        [29, 22, 'argoproj/rollouts-demo:yellow', 'Experiment', 'exp', 'canary', 'container', 1],
        [45, 28, 'curlimages/curl:8.8.0', 'AnalysisTemplate', 'job-check', 'check', 'container', 2],
        // Argo names a template's single container `main`.
        [55, 16, 'alpine:3.20', 'Workflow', 'wf-', 'main', 'container', 3],
        [58, 18, 'busybox:1.36', 'Workflow', 'wf-', 'init', 'initContainer', 3],
        [61, 18, 'nginx:1.27', 'Workflow', 'wf-', 'side', 'container', 3],
        [64, 16, 'python:3.12-alpine', 'Workflow', 'wf-', 'main', 'container', 3],
      ],
    ],
    [
      'knative-service.yaml',
      [[10, 18, 'ghcr.io/knative/helloworld-go:latest', 'Service', 'hello', null, 'container', 0]],
    ],
    ['cronjob.yaml', [[15, 22, 'postgres:16', 'CronJob', 'backup', 'backup', 'container', 0]]],
    [
      'ephemeral-containers.yaml',
      [
        [8, 14, 'busybox:1.36', 'Pod', 'debugged', 'setup', 'initContainer', 0],
        [11, 14, 'nginx:1.27', 'Pod', 'debugged', 'app', 'container', 0],
        [14, 14, 'nicolaka/netshoot:v0.13', 'Pod', 'debugged', 'debugger', 'ephemeralContainer', 0],
      ],
    ],
    [
      'anchors-and-merge-keys.yaml',
      [
        // Aliased images point at where the anchored value is written.
        [11, 23, 'registry.example.com/app:1.0', 'Deployment', 'anchored', 'app', 'container', 0],
        [11, 23, 'registry.example.com/app:1.0', 'Deployment', 'anchored', 'sidecar', 'container', 0],
        [11, 23, 'registry.example.com/app:1.0', 'Deployment', 'anchored', 'pinned', 'container', 0],
        [18, 18, 'registry.example.com/other:2.0', 'Deployment', 'anchored', 'overridden', 'container', 0],
      ],
    ],
    [
      'generic-crd-pod-spec.yaml',
      [
        [12, 20, 'example/runner:1.2', 'FancyJob', 'fancy', 'runner', 'container', 0],
        [21, 14, 'example/main:3.4', 'PodLike', 'podlike', 'main', 'container', 1],
      ],
    ],
    [
      'prometheus-operator-image.yaml',
      [
        [7, 10, 'quay.io/prometheus/prometheus:v3.0.0', 'Prometheus', 'k8s', 'prometheus', 'container', 0],
        [12, 14, 'example/extra:1.0', 'Prometheus', 'k8s', 'extra', 'container', 0],
      ],
    ],
  ];

  it.each(table)('%s', (name, expected) => {
    const result = extractFixture(name);
    expect(result.errors).toEqual([]);
    expect(result.skipped).toBeUndefined();
    expect(rows(name)).toEqual(expected);
  });

  it('records namespace, apiVersion and origin', () => {
    const [use] = extractFixture('cronjob.yaml').uses;
    expect(use).toMatchObject({
      file: 'cronjob.yaml',
      namespace: 'db',
      apiVersion: 'batch/v1',
      origin: 'manifest',
    });
    expect(extractFixture('kind-list.yaml').uses[0]?.namespace).toBe('listed');
    expect(extractFixture('tab-indented.json').uses[0]?.namespace).toBe('json');
  });
});

describe('broken, templated and hostile input', () => {
  it('reports one problem at the exact line/column of a broken document and scans the rest', () => {
    const result = extractFixture('broken-at-line-7.yaml');
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ file: 'broken-at-line-7.yaml', line: 7, column: 5 });
    expect(result.errors[0]?.message).toMatch(/^YAML syntax error in document 1: .+/);
    expect(result.errors[0]?.message).toMatch(/; the file's other documents were still scanned\.$/);
    expect(result.uses.map((u) => [u.line, u.raw])).toEqual([[16, 'redis:7.2']]);
  });

  it('reports an unterminated quote at its opening quote, never past the end of the file', () => {
    const result = extractFixture('unterminated-quote.yaml');
    // 9 lines; the parser's own offset is the end of the file (line 10, column 1).
    expect(result.errors.map((e) => [e.line, e.column])).toEqual([[7, 14]]);
    expect(result.errors[0]?.message).toMatch(/^YAML syntax error in document 1: Missing closing "quote/);
    // A single-document file has no other documents to mention.
    expect(result.errors[0]?.message).toMatch(/Fix the YAML here\.$/);
  });

  it('clamps an error at the very end of a file without a final line break to its last line', () => {
    const text = 'kind: Pod\nspec:\n  containers:\n    - name: a\n      image: [x';
    const result = extractFile({ path: 'x.yaml', absPath: '/x.yaml', size: text.length }, text);
    expect(result.errors.map((e) => [e.line, e.column])).toEqual([[5, 14]]);
  });

  it('parses .json files strictly: a trailing comma is an error at the comma', () => {
    const result = extractFixture('trailing-comma.json');
    expect(result.errors.map((e) => [e.line, e.column])).toEqual([[6, 41]]);
    expect(result.errors[0]?.message).toMatch(/^JSON syntax error in document 1: trailing comma/);
    expect(result.uses).toEqual([]);
    // The same text named .yaml is valid YAML (flow style allows the comma).
    const text = readFileSync(`${FIXTURES}trailing-comma.json`, 'utf8');
    const asYaml = extractFile({ path: 'x.yaml', absPath: '/x.yaml', size: text.length }, text);
    expect(asYaml.errors).toEqual([]);
    expect(asYaml.uses.map((u) => u.raw)).toEqual(['nginx:1.27']);
  });

  it('reports templated values instead of uses, with reasons', () => {
    const result = extractFixture('templated-values.yaml');
    expect(result.errors).toEqual([]);
    expect(result.uses.map((u) => u.raw)).toEqual(['nginx:1.27']);
    expect(
      result.templated.map((t) => [t.use.line, t.use.column, t.use.container, t.use.raw, t.reason]),
    ).toEqual([
      [
        10,
        18,
        'helm',
        '{{ .Values.image.repository }}:{{ .Values.image.tag }}',
        'Helm/Go template expression',
      ],
      [12, 18, 'envsubst', '${IMAGE}', 'shell-style variable ${IMAGE}'],
      [14, 18, 'make', '$(IMAGE)', 'variable reference $(IMAGE)'],
      [16, 18, 'placeholder', '<image_url>', 'placeholder <image_url>'],
      [18, 18, 'upper', 'IMAGE_PLACEHOLDER', 'placeholder IMAGE_PLACEHOLDER'],
      // Unquoted `{{ … }}` is a YAML flow mapping: the source text is kept as the raw value.
      [20, 18, 'unquoted-helm', '{{ .Values.image }}', 'Helm/Go template expression'],
    ]);
  });

  it('skips Helm chart templates and non-YAML Go templates with a reason', () => {
    expect(extractFixture('helm-chart/templates/deployment.yaml')).toEqual({
      uses: [],
      templated: [],
      errors: [],
      skipped: {
        file: 'helm-chart/templates/deployment.yaml',
        reason: 'Helm template; rendering comes later',
      },
    });
    const goTemplate = extractFixture('go-template-not-yaml.yaml');
    expect(goTemplate.skipped?.reason).toBe(
      'Jinja/Go template outside a Helm chart: not valid YAML until rendered; render it first or exclude it',
    );
    expect(goTemplate.errors).toEqual([]);
  });

  it('stops a YAML bomb at the alias limit with a problem at the alias, and scans later documents', () => {
    const result = extractFixture('yaml-bomb.yaml');
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ line: 24, column: 15 });
    expect(result.errors[0]?.message).toContain('document 2 expands YAML aliases more than 1000 times');
    expect(result.uses.map((u) => [u.line, u.name])).toEqual([
      [62, 'after-the-bomb'],
      [82, 'laughs'],
    ]);
  });

  it('honours a lower alias limit', () => {
    const result = extractFixture('anchors-and-merge-keys.yaml', { maxAliasCount: 1 });
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.message).toContain('more than 1 times');
    expect(result.uses).toEqual([]);
  });

  it('scans a document with a duplicate key but reports it (last value wins)', () => {
    const text =
      'kind: Pod\nmetadata: {name: a}\nspec:\n  containers:\n    - {name: c, image: old:1}\nspec:\n  containers:\n    - {name: c, image: new:2}\n';
    const result = extractFile({ path: 'dup.yaml', absPath: '/dup.yaml', size: text.length }, text);
    expect(result.uses.map((u) => [u.line, u.raw])).toEqual([[8, 'new:2']]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toMatchObject({ line: 6, column: 1 });
    expect(result.errors[0]?.message).toContain('duplicate mapping key');
  });

  it.each([
    ['empty file', ''],
    ['only separators', '---\n---\n'],
    ['a bare scalar', 'hello'],
    ['a sequence', '- a\n- b\n'],
    ['kind is a map', 'kind: {a: 1}\n'],
    ['containers is a scalar', 'kind: Pod\nspec:\n  containers: nope\n'],
    ['container is a scalar', 'kind: Pod\nspec:\n  containers: [nope]\n'],
    ['null image', 'kind: Pod\nspec:\n  containers: [{name: a, image: }]\n'],
    ['binary junk', '\u0000\u0001\u0002{[}]'],
    ['unknown alias', 'kind: Pod\nspec: *nothing\n'],
    ['List without items', 'kind: List\n'],
    ['List of lists', 'kind: List\nitems: [{kind: List, items: [{kind: List, items: []}]}]\n'],
  ])('never throws on %s', (_label, text) => {
    const result = extractFile({ path: 'x.yaml', absPath: '/x.yaml', size: text.length }, text);
    expect(result.uses.filter((u) => u.invalid === undefined)).toEqual([]);
  });

  it('reports empty, null, missing, non-string, multi-line and padded images as invalid uses', () => {
    const result = extractFixture('invalid-images.yaml');
    expect(result.errors).toEqual([]);
    expect(result.uses.map((u) => [u.line, u.column, u.container, u.raw, u.invalid ?? null])).toEqual([
      [8, 14, 'empty', '', 'image is empty: Kubernetes requires an image for every container'],
      [10, 14, 'null-word', '', 'image is empty: Kubernetes requires an image for every container'],
      // `image:` with no value: at the key.
      [12, 7, 'nothing', '', 'image is empty: Kubernetes requires an image for every container'],
      [
        14,
        14,
        'number',
        '42',
        'image must be a string, not a number (kubectl rejects 42); quote it if it is meant as a tag',
      ],
      // No image key: at the container.
      [15, 7, 'missing', '', MISSING_IMAGE_REASON],
      [
        18,
        14,
        'block',
        'multi:1\n',
        'image contains a line break (multi:1\\n); an image reference is one line: write it as a plain scalar',
      ],
      [
        21,
        14,
        'spaced',
        ' nginx:1.27',
        'image has leading or trailing whitespace (" nginx:1.27"); Kubernetes rejects it',
      ],
      [23, 14, 'fine', 'nginx:1.27', null],
      // The patch (no selector) and the custom resource's sidecar are not reported.
      [47, 18, 'app', 'x:1', null],
    ]);
    for (const u of result.uses) expect(u.invalid ?? '').not.toMatch(/[\n\r]/);
  });

  it('keeps the CRLF fixture byte-exact (no line-ending normalisation in the checkout)', () => {
    expect(readFileSync(`${FIXTURES}crlf.yaml`, 'utf8')).toContain('\r\n');
  });

  it('handles a byte-order mark and keeps non-string scalars as written', () => {
    const text = '\uFEFFapiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      image: 1.0\n';
    const result = extractFile({ path: 'x.yaml', absPath: '/x.yaml', size: text.length }, text);
    expect(result.uses.map((u) => [u.line, u.column, u.raw])).toEqual([[6, 14, '1.0']]);
    expect(result.uses[0]?.invalid).toMatch(/^image must be a string, not a number \(kubectl rejects 1\.0\)/);
  });

  it('reports an image that is not a string as an error at its position', () => {
    const text = 'kind: Pod\nspec:\n  containers:\n    - name: a\n      image: [x]\n';
    const result = extractFile({ path: 'x.yaml', absPath: '/x.yaml', size: text.length }, text);
    expect(result.uses).toEqual([]);
    expect(result.errors).toMatchObject([{ line: 5, column: 14 }]);
    expect(result.errors[0]?.message).toContain('not a string');
  });
});

describe('inline opt-out', () => {
  it('reads the comment on the image line only', () => {
    const uses = extractFixture('inline-ignore.yaml').uses;
    expect(uses.map((u) => [u.container, u.raw, u.suppress])).toEqual([
      ['all', 'nginx:latest', ['*']],
      ['some', 'app:1.0-dirty', ['latest-tag', 'dirty-tag']],
      ['none', 'app:#notacomment', undefined],
      ['other-comment', 'app:2.0', undefined],
    ]);
    expect(extractFixture('crlf.yaml').uses[0]?.suppress).toEqual(['*']);
  });
});
