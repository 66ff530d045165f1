/** Pod messages are attacker-controlled text: they must not inject workflow commands, Markdown or markers. */
import { describe, expect, it } from 'vitest';
import { logUntrusted } from '../../src/action-cluster.js';
import { markdownFence, oneLine, renderDriftText } from '../../src/cluster/render.js';
import type { DriftReport } from '../../src/cluster/types.js';
import { renderIssueBody, text } from '../../src/report/issue-body.js';
import { parseMarker, replaceMarker } from '../../src/report/issue-marker.js';
import { crashingPod, drift, workload } from '../report/issues-fixtures.js';

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
    expect(text).toContain('::error file=README.md,line=1::x');
    for (const line of text.split('\n')) expect(line.trimStart().startsWith('::')).toBe(false);
    expect(text).not.toMatch(/[\r\u2028]/);
  });

  it('oneLine collapses CR, LF and control characters', () => {
    expect(oneLine('a\r\nb\u0007c\u0085d')).toBe('a b c d');
  });
});

describe('action log and summary', () => {
  it('wraps the text in stop-commands with a random token, resumed at the end', () => {
    const lines: string[] = [];
    logUntrusted('x\n::add-mask::abc', (l) => lines.push(l));
    logUntrusted('y', (l) => lines.push(l));
    const token = lines[0]?.replace('::stop-commands::', '') ?? '';
    expect(lines[0]).toMatch(/^::stop-commands::k8s-image-check-[0-9a-f]{32}$/);
    expect(lines.slice(1, 3)).toEqual(['x\n::add-mask::abc', `::${token}::`]);
    expect(lines[3]).not.toBe(lines[0]);
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
    // The message line is one code span whose fence is longer than the backticks it holds.
    const line = body.split('\n').find((l) => l.includes('<script>')) ?? '';
    expect(line).toMatch(/: (`{4,})<!.*<script>\1$/);
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
