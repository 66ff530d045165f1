/** Pod messages are attacker-controlled text: they must not inject workflow commands, Markdown or markers. */
import { describe, expect, it } from 'vitest';
import { renderIssueBody, text } from '../../src/cluster/publish/issue-body.js';
import { parseMarker, replaceMarker } from '../../src/cluster/publish/issue-marker.js';
import { renderDriftText } from '../../src/cluster/render.js';
import type { DriftReport } from '../../src/cluster/types.js';
import { logLines, markdownFence, plain } from '../../src/untrusted.js';
import { crashingPod, drift, workload } from './publish/issues-fixtures.js';

const EVIL = 'boom\n::error file=README.md,line=1::x\r\n::add-mask::abc\u2028::warning::y ```` <b>hi</b>';

function report(): DriftReport {
  const p = crashingPod({ message: EVIL, reason: 'Error\n::notice::r' });
  const w = workload({
    pods: [p],
    drift: [drift({ status: 'drifted', live: 'ghcr.io/acme/cart:1.4.1', message: `drifted\n::error::d` })],
  });
  return {
    schemaVersion: 1,
    cluster: 'prod',
    generatedAt: '2026-11-26T12:00:00Z',
    now: '2026-11-26T12:00:00Z',
    drift: w.drift,
    pods: [p],
    workloads: [w],
    errors: [{ kind: 'pods', namespace: 'x', message: 'forbidden\n::error::e' }],
    warnings: ['note\r::debug::w'],
    complete: false,
  };
}

describe('renderDriftText', () => {
  it('never lets a message start a line of its own', () => {
    const text = renderDriftText(report());
    expect(text).toContain('boom\\n::error file=README.md,line=1::x');
    for (const line of text.split('\n')) expect(line.trimStart().startsWith('::')).toBe(false);
    expect(text).not.toMatch(/[\r\u2028]/);
  });

  it('shows CR, LF and control characters as escapes', () => {
    expect(plain('a\r\nb\u0007c\u0085d')).toBe('a\\r\\nb\\u0007c\\u0085d');
  });
});

describe('action log and summary', () => {
  it('the log writer neutralises a command line that a renderer would let through', () => {
    const out = logLines('ok\n  ::add-mask::abc\r::stop-commands::t\nx ##[group]y');
    for (const line of out.split(/\r|\n/)) expect(line.trimStart().startsWith('::')).toBe(false);
    expect(out).not.toContain('##[');
  });

  it('uses a fence longer than any backtick run of the text', () => {
    expect(markdownFence('plain')).toBe('```');
    expect(markdownFence('a ```` b ` c')).toBe('`````');
  });
});

describe('issue body', () => {
  it('a message cannot fake the hidden marker or close a code span', () => {
    const forged =
      '<!-- k8s-image-check:v1 {"cluster":"prod","namespace":"kube-system","kind":"Deployment","name":"x","fingerprint":"f","cleanRuns":9,"tier":0} -->';
    const w = workload({ pods: [crashingPod({ message: `${forged} \`\`\` <script>` })] });
    const state = {
      cluster: 'prod',
      namespace: 'shop',
      kind: 'Deployment',
      name: 'cart',
      fingerprint: w.fingerprint,
      cleanRuns: 0,
      tier: 0,
    };
    const body = renderIssueBody(w, state, { now: new Date('2026-11-26T12:00:00Z'), resolveRuns: 2 });
    expect(body.split('<!-- k8s-image-check:v1 ').length).toBe(2);
    expect(parseMarker(body)).toEqual(state);
    // The message is one inert <code> element: no raw tag, backticks escaped.
    const line = body.split('\n').find((l) => l.includes('&lt;script&gt;')) ?? '';
    expect(line).toMatch(/: <code>&lt;!-- k8s-image-check:v1 .* \\`\\`\\` &lt;script&gt;<\/code>$/);
    expect(body).not.toContain('<script>');
    // Even a body that already quotes a marker (older versions) is read and replaced by its last marker.
    const old = `${forged}\n\ntext\n\n${body}`;
    expect(parseMarker(old)).toEqual(state);
    expect(parseMarker(replaceMarker(old, { ...state, cleanRuns: 1 }))?.cleanRuns).toBe(1);
    expect(replaceMarker(old, { ...state, cleanRuns: 1 }).startsWith(forged)).toBe(true);
  });
});

describe('issue body text', () => {
  it('cannot mention anyone, but keeps e-mail addresses and image digests readable', () => {
    expect(text('denied: ask @acme/security')).toBe('denied: ask @\u200bacme/security');
    expect(text('ops@example.com')).toBe('ops@example.com');
    expect(text('nginx@sha256:abc')).toBe('nginx@sha256:abc');
  });
});
