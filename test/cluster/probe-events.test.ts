import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDump } from '../../src/cluster/dump.js';
import { classifyPod } from '../../src/cluster/pod-health.js';
import { applyProbeEvents, probeOfEvent } from '../../src/cluster/probe-events.js';
import { compactEvent, type EventRecord } from '../../src/cluster/records.js';

const NOW = '2026-03-10T12:00:00Z';
const read = (f: string) => readFileSync(new URL(`../../fixtures/cluster/${f}`, import.meta.url), 'utf8');
const EVENTS = (JSON.parse(read('dump/events.json')) as { items: unknown[] }).items
  .map(compactEvent)
  .filter((e): e is EventRecord => e !== null);
const health = (name: string) => classifyPod(parseDump(read(`pods/${name}`), name).pods[0]!, NOW);

describe('probe events', () => {
  it.each([
    ['Unhealthy', 'Liveness probe failed: HTTP probe failed with statuscode: 500', 'liveness'],
    ['Unhealthy', 'Readiness probe failed: dial tcp 10.0.0.1:80: connect: connection refused', 'readiness'],
    ['Unhealthy', 'Startup probe failed: command timed out', 'startup'],
    ['Unhealthy', 'Readiness probe errored: rpc error: code = NotFound', 'readiness'],
    ['Killing', 'Container app failed liveness probe, will be restarted', 'liveness'],
    ['Killing', 'Stopping container app', null],
    ['BackOff', 'Back-off restarting failed container', null],
  ])('%s "%s" → %s', (reason, message, probe) => {
    expect(probeOfEvent({ reason, message })).toBe(probe);
  });

  it('reads the container from involvedObject.fieldPath', () => {
    expect(EVENTS[0]).toMatchObject({
      namespace: 'shop',
      pod: 'worker-6c5b8d7f9c-f4g6h',
      container: 'worker',
      reason: 'Unhealthy',
      count: 18,
    });
  });

  it('explains a SIGKILL crash loop with the liveness probe and a NotReady pod with the readiness probe', () => {
    const now = Date.parse(NOW);
    const [crash, notReady, healthy] = applyProbeEvents(
      [health('c5-crashloop-sigkill.json'), health('r1-not-ready.json'), health('ok-healthy.json')],
      EVENTS,
      now,
      3600,
    );
    expect([crash!.class, crash!.probe, crash!.probeMessage]).toEqual([
      'CrashLoopBackOff',
      'liveness',
      'Liveness probe failed: Get "http://10.244.1.37:8080/healthz": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
    ]);
    expect([notReady!.probe, notReady!.severity]).toEqual(['readiness', 'warning']);
    expect(healthy!.probe).toBeUndefined(); // a day-old readiness event on a healthy pod changes nothing
  });

  it('ignores events outside the window', () => {
    const [crash] = applyProbeEvents(
      [health('c5-crashloop-sigkill.json')],
      EVENTS,
      Date.parse('2026-03-10T14:00:00Z'),
      3600,
    );
    expect(crash!.probe).toBeUndefined();
  });
});
