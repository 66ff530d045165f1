import { describe, expect, it } from 'vitest';
import {
  HELM_TEMPLATE_REASON,
  inChartTemplatesDir,
  LOOSE_TEMPLATE_REASON,
  templatedFileReason,
  templatedValueReason,
} from '../../src/manifests/templated.js';

describe('templatedValueReason', () => {
  it.each([
    ['{{ .Values.image }}', 'Helm/Go template expression'],
    ['repo/app:{{ .Chart.AppVersion }}', 'Helm/Go template expression'],
    ['${IMAGE}', 'shell-style variable ${IMAGE}'],
    ['registry.example.com/app:${TAG}', 'shell-style variable ${TAG}'],
    ['${REGISTRY:-docker.io}/app', 'shell-style variable ${REGISTRY:-docker.io}'],
    ['$IMAGE', 'shell-style variable $IMAGE'],
    ['$(IMAGE)', 'variable reference $(IMAGE)'],
    ['<image_url>', 'placeholder <image_url>'],
    ['<YOUR-CONTAINER>', 'placeholder <YOUR-CONTAINER>'],
    ['IMAGE_PLACEHOLDER', 'placeholder IMAGE_PLACEHOLDER'],
    ['__IMAGE__', 'placeholder __IMAGE__'],
  ])('%s → %s', (raw, reason) => {
    expect(templatedValueReason(raw)).toBe(reason);
  });

  it.each([
    'nginx',
    'nginx:1.27',
    'registry.example.com:5000/team/app@sha256:' + 'a'.repeat(64),
    'UPPER/case', // invalid, but not a template: the reference parser reports it
    'IMAGE', // a single upper-case word is left to the reference parser too
    '[::1]:5000/app:v1',
  ])('%s is a plain value', (raw) => {
    expect(templatedValueReason(raw)).toBeNull();
  });
});

describe('templated files', () => {
  it('recognises a templates directory segment, not a file name', () => {
    expect(inChartTemplatesDir('charts/app/templates/deploy.yaml')).toBe(true);
    expect(inChartTemplatesDir('charts/app/templates/sub/deploy.yaml')).toBe(true);
    expect(inChartTemplatesDir('templates.yaml')).toBe(false);
    expect(inChartTemplatesDir('k8s/pod-templates/x.yaml')).toBe(false);
  });

  it.each([
    [
      'chart template, valid YAML',
      'c/templates/a.yaml',
      'image: "{{ .Values.image }}"',
      true,
      HELM_TEMPLATE_REASON,
    ],
    ['chart dir without template syntax', 'c/templates/a.yaml', 'kind: Pod', true, null],
    [
      'Go template outside a chart, breaks YAML',
      'k8s/a.yaml',
      'a:\n{{ range }}\n',
      false,
      LOOSE_TEMPLATE_REASON,
    ],
    ['Go template outside a chart, valid YAML', 'k8s/a.yaml', 'name: "{{x}}"', true, null],
    [
      'Jinja',
      'k8s/a.yaml',
      '{% if x %}\na: [\n',
      false,
      'Jinja template outside a Helm chart: not valid YAML until rendered; render it first or exclude it',
    ],
    [
      'Jinja with {{ }} expressions is not called a Helm template',
      'ansible/pod.yaml.j2.yaml',
      '{% for x in y %}\n- image: {{ x }}\n{% endfor %}\n',
      false,
      'Jinja template outside a Helm chart: not valid YAML until rendered; render it first or exclude it',
    ],
    [
      'ERB',
      'k8s/a.yaml',
      'a: <%= x %>\n  b: [\n',
      false,
      'ERB template outside a Helm chart: not valid YAML until rendered; render it first or exclude it',
    ],
    ['plain broken YAML', 'k8s/a.yaml', 'a: [\n', false, null],
  ])('%s', (_label, path, text, parsed, reason) => {
    expect(templatedFileReason(path, text, parsed)).toBe(reason);
  });
});
