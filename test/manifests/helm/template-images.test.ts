import { describe, expect, it } from 'vitest';
import { evalCondition, renderedLines } from '../../../src/manifests/helm/template-conditions.js';
import { findTemplateImages, type TemplateContext } from '../../../src/manifests/helm/template-images.js';
import { parseValues } from '../../../src/manifests/helm/values.js';

const values = parseValues(
  'values.yaml',
  [
    'image:',
    '  repository: ghcr.io/acme/app',
    '  tag: ""',
    'sidecar: {enabled: true, image: "envoy:1.30"}',
    'metrics: {enabled: false}',
    'mode: blue',
    'replicas: 0',
    'list: []',
    'numericTag: 1.10',
  ].join('\n'),
).values;

const ctx: TemplateContext = {
  values,
  chart: {
    name: 'app',
    version: '1.2.3',
    appVersion: '4.5.6',
    appVersionAt: { file: 'Chart.yaml', line: 3, column: 13 },
    chartFile: 'Chart.yaml',
  },
};

const imageOf = (line: string): string | null =>
  findTemplateImages(`spec:\n  containers:\n    - name: c\n      ${line}\n`, ctx)[0]?.image ?? null;

describe('findTemplateImages: evaluating one image line', () => {
  it.each([
    ['image: nginx:1.27', 'nginx:1.27'],
    ["image: 'nginx:1.27' # pinned", 'nginx:1.27'],
    [
      'image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"',
      'ghcr.io/acme/app:4.5.6',
    ],
    [
      'image: {{ $.Values.image.repository }}:{{ default .Chart.AppVersion .Values.image.tag }}',
      'ghcr.io/acme/app:4.5.6',
    ],
    [
      'image: {{ .Values.image.repository }}:{{ .Values.image.tag | default "stable" }}',
      'ghcr.io/acme/app:stable',
    ],
    ['image: {{ .Values.sidecar.image | quote }}', 'envoy:1.30'],
    [
      'image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default "edge" }}" # x',
      'ghcr.io/acme/app:edge',
    ],
    ['image: {{- .Values.sidecar.image -}}', 'envoy:1.30'],
    ['image: {{ .Chart.Name }}:{{ .Chart.Version }}', 'app:1.2.3'],
    ['image: app:{{ .Values.numericTag }}', 'app:1.1'],
    ['image: {{ include "app.image" . }}', null],
    ['image: {{ printf "%s:%s" .Values.image.repository .Values.image.tag }}', null],
    ['image: {{ .image }}', null],
    ['image: {{ .Values.image }}', null],
  ])('%s → %s', (line, expected) => {
    expect(imageOf(line)).toBe(expected);
  });

  it('records where each part came from, the template position and the container', () => {
    const [t] = findTemplateImages(
      'kind: Deployment\nspec:\n  template:\n    spec:\n      initContainers:\n        - name: "{{ .Chart.Name }}-init"\n          image: {{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}\n',
      ctx,
    );
    expect(t).toMatchObject({
      line: 7,
      column: 18,
      kind: 'Deployment',
      container: 'app-init',
      containerType: 'initContainer',
      valuesPaths: ['image.repository', 'image.tag'],
      rendered: true,
    });
    expect(t?.parts.map((p) => [p.text, p.expr, p.from?.line ?? null, p.defaulted])).toEqual([
      ['ghcr.io/acme/app', '.Values.image.repository', 2, false],
      [':', null, null, false],
      ['4.5.6', '.Values.image.tag | default .Chart.AppVersion', 3, true],
    ]);
    expect(t?.parts[2]?.emptyFrom?.line).toBe(3);
  });
});

describe('renderedLines / evalCondition: which branches the values switch off', () => {
  it.each([
    ['.Values.sidecar.enabled', true],
    ['.Values.metrics.enabled', false],
    ['.Values.missing.key', false],
    ['not .Values.metrics.enabled', true],
    ['and .Values.sidecar.enabled .Values.metrics.enabled', false],
    ['or .Values.sidecar.enabled .Values.metrics.enabled', true],
    ['eq .Values.mode "blue"', true],
    ['ne .Values.mode "blue"', false],
    ['.Values.replicas', false],
    ['.Values.list', false],
    ['.Values.image', true],
    ['include "x" .', null],
    ['and .Values.sidecar.enabled (include "x" .)', null],
  ] as const)('%s → %s', (expr, expected) => {
    expect(evalCondition(expr, values)).toBe(expected);
  });

  it('follows if / else if / else chains, with and range, and nesting', () => {
    const text = [
      '{{- if .Values.metrics.enabled }}',
      'a',
      '{{- else if .Values.sidecar.enabled }}',
      'b',
      '{{- else }}',
      'c',
      '{{- end }}',
      '{{- range .Values.list }}',
      'd',
      '{{- end }}',
      '{{- with .Values.metrics.enabled }}',
      'e',
      '{{- end }}',
      '{{- if include "x" . }}',
      'f',
      '{{- else }}',
      'g',
      '{{- if .Values.metrics.enabled }}h{{ end }}',
      '{{- end }}',
      'i',
    ].join('\n');
    const lines = text.split('\n');
    const rendered = renderedLines(text, values);
    const shown = lines.filter((l, i) => /^[a-z]/.test(l) && rendered[i]).map((l) => l[0]);
    // b (else-if true), d (range: unknown, kept), f and g (unknown condition: both kept), i; never a, c, e.
    expect(shown).toEqual(['b', 'd', 'f', 'g', 'i']);
  });
});
