/**
 * The per-host circuit breaker: unit behaviour of {@link HostBreaker}, and bounded request counts against
 * raw fakes that always fail (503, 429 with a long Retry-After, hangs, resets).
 */
import { describe, expect, it } from 'vitest';
import { HostBreaker } from '../../src/registry/breaker.js';
import { checkImages, type RegistryCheckOptions } from '../../src/registry/check.js';
import type { RegistryCheck } from '../../src/registry/types.js';
import { json, key, MANIFEST_BODY, manifest, OCI_MANIFEST, ref, useFakes } from './fakes.js';

const fake = useFakes();

/** Checks `count` distinct images on `host` and returns the results in order, the sleeps and warnings. */
async function checkMany(host: string, count: number, options: Partial<RegistryCheckOptions> = {}) {
  const refs = Array.from({ length: count }, (_, i) => ref(host, `team/app${i}`, 'v1'));
  const sleeps: number[] = [];
  const warnings: string[] = [];
  const all = await checkImages(
    refs.map((r) => ({ key: key(r), ref: r })),
    {
      credentials: async () => [],
      backoffBaseMs: 1,
      random: () => 0.5,
      retries: 2,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      logger: { debug: () => undefined, warning: (m) => warnings.push(m) },
      ...options,
    },
  );
  return { results: refs.map((r) => all.get(key(r)) as RegistryCheck), sleeps, warnings };
}

describe('HostBreaker', () => {
  const fail: RegistryCheck = { status: 'registry_unavailable', message: 'h answered 503 after retries.' };
  const limited: RegistryCheck = { status: 'rate_limited', message: 'h rate-limited.' };
  const ok: RegistryCheck = { status: 'available' };

  it('opens after the threshold of consecutive failures of one kind; a success resets', () => {
    const b = new HostBreaker({ threshold: 3, retryAfterCapMs: 60_000 });
    expect(b.healthy('h')).toBe(false);
    expect(b.record('h', fail)).toBe(false);
    expect(b.record('h', fail)).toBe(false);
    expect(b.record('h', ok)).toBe(false);
    expect(b.healthy('h')).toBe(true);
    expect(b.record('h', fail)).toBe(false);
    expect(b.healthy('h')).toBe(false);
    expect(b.record('h', limited)).toBe(false);
    expect(b.record('h', fail)).toBe(false);
    expect(b.record('h', fail)).toBe(false);
    expect(b.answer('h', 'x')).toBeUndefined();
    expect(b.record('h', fail)).toBe(true);
    expect(b.answer('h', 'h/app:v1')).toEqual({
      status: 'registry_unavailable',
      host: 'h',
      message:
        "h/app:v1 was not checked: h failed 3 checks in a row (last: h answered 503 after retries), so the check stopped asking it for the remaining images; fix the registry or the runner's access to it, or run again later.",
    });
    expect(b.answer('other', 'x')).toBeUndefined();
  });

  it('absent, auth failures and unknown errors reset; a skip does not count', () => {
    const b = new HostBreaker({ threshold: 2, retryAfterCapMs: 60_000 });
    for (const status of ['absent', 'authentication_failure', 'unknown_error'] as const) {
      b.record('h', fail);
      b.record('h', { status });
    }
    b.record('h', fail);
    b.record('h', { status: 'skipped' });
    expect(b.answer('h', 'x')).toBeUndefined();
    b.record('h', fail);
    expect(b.answer('h', 'x')?.status).toBe('registry_unavailable');
  });

  it('a 429 asking to wait longer than the cap opens at once as rate_limited', () => {
    const b = new HostBreaker({ threshold: 3, retryAfterCapMs: 60_000 });
    expect(b.record('h', limited, { retryAfterMs: 60_000 })).toBe(false);
    expect(b.record('h', ok)).toBe(false);
    expect(b.record('h', limited, { retryAfterMs: 21_600_000 })).toBe(true);
    expect(b.answer('h', 'h/app:v1')?.status).toBe('rate_limited');
    expect(b.answer('h', 'h/app:v1')?.message).toMatch(
      /^h\/app:v1 was not checked: h rate-limited an earlier check and asked to wait 21600 s \(Retry-After\), longer than the 60 s this check waits/,
    );
  });

  it('an unreachable host that never answered opens at once; one that answered before needs the threshold', () => {
    const b = new HostBreaker({ threshold: 3, retryAfterCapMs: 60_000 });
    const down: RegistryCheck = { status: 'registry_unavailable', message: 'dead could not be reached.' };
    expect(b.record('dead', down, { unreachable: true })).toBe(true);
    expect(b.answer('dead', 'dead/app:v1')?.message).toBe(
      "dead/app:v1 was not checked: dead could not be reached by an earlier check (dead could not be reached), so the check did not ask it again for the remaining images; fix the registry or the runner's access to it, or run again later.",
    );
    expect(b.record('h', ok)).toBe(false);
    expect(b.record('h', down, { unreachable: true })).toBe(false);
    expect(b.record('h', down, { unreachable: true })).toBe(false);
    expect(b.record('h', down, { unreachable: true })).toBe(true);
  });

  it('threshold 0 disables it', () => {
    const b = new HostBreaker({ threshold: 0, retryAfterCapMs: 1 });
    for (let i = 0; i < 5; i++) expect(b.record('h', limited, { retryAfterMs: 10_000 })).toBe(false);
    expect(b.answer('h', 'x')).toBeUndefined();
    expect(b.healthy('h')).toBe(true);
  });
});

describe('checkImages stops asking a failing host', () => {
  it('24 images on an always-503 host: at most threshold × (retries + 1) requests, all registry_unavailable', async () => {
    const f = await fake((_req, res) => json(res, 503, {}));
    const run = await checkMany(f.host, 24, { retries: 2 });
    expect(run.results.map((r) => r.status)).toEqual(Array(24).fill('registry_unavailable'));
    expect(f.seen.length).toBeLessThanOrEqual(3 * 3);
    expect(run.results.filter((r) => /stopped asking/.test(r.message ?? ''))).toHaveLength(21);
    expect(run.results[23]?.message).toMatch(
      new RegExp(`^127\\.0\\.0\\.1:\\d+/team/app23:v1 was not checked: ${f.host} failed 3 checks in a row`),
    );
    expect(run.warnings.filter((w) => w.includes('stopped asking'))).toHaveLength(1);
  });

  it('24 images behind an always-429 with a long Retry-After: one image pays, the rest are rate_limited at once', async () => {
    const f = await fake((_req, res) => json(res, 429, {}, { 'retry-after': '21600' }));
    const run = await checkMany(f.host, 24, { retries: 2, retryAfterCapMs: 1000 });
    expect(run.results.map((r) => r.status)).toEqual(Array(24).fill('rate_limited'));
    // The first answer already asks for more than the cap: no wait, no retry, and the host is closed.
    expect(f.seen.length).toBe(1);
    expect(run.sleeps).toEqual([]);
    expect(run.results[5]?.message).toMatch(/asked to wait 21600 s \(Retry-After\), longer than the 1 s/);
  });

  it('24 images behind an always-429 within the cap: three images pay their retries, the rest are rate_limited', async () => {
    const f = await fake((_req, res) => json(res, 429, {}, { 'retry-after': '1' }));
    const run = await checkMany(f.host, 24, { retries: 2 });
    expect(run.results.map((r) => r.status)).toEqual(Array(24).fill('rate_limited'));
    expect(f.seen.length).toBe(3 * 3);
    expect(run.results[23]?.message).toMatch(/failed 3 checks in a row.*authenticate to get a higher limit/);
  });

  it('a hanging host: bounded requests, registry_unavailable for every image', async () => {
    const f = await fake(() => new Promise<void>(() => undefined));
    const run = await checkMany(f.host, 12, { retries: 1, timeoutMs: 200, plainHttpRegistries: [f.host] });
    expect(run.results.map((r) => r.status)).toEqual(Array(12).fill('registry_unavailable'));
    expect(f.seen.length).toBeLessThanOrEqual(3 * 2);
  });

  it('a healthy host is not slowed to one at a time, and a success between failures keeps it asked', async () => {
    const f = await fake((req, res) => {
      if (/app[0-1]\//.test(req.path)) return json(res, 503, {});
      manifest(req, res, MANIFEST_BODY, OCI_MANIFEST);
    });
    const run = await checkMany(f.host, 10, { retries: 0 });
    expect(run.results.map((r) => r.status)).toEqual([
      'registry_unavailable',
      'registry_unavailable',
      ...Array(8).fill('available'),
    ]);
    expect(run.results.some((r) => /stopped asking/.test(r.message ?? ''))).toBe(false);
  });

  it('hostFailureThreshold 0 asks for every image', async () => {
    const f = await fake((_req, res) => json(res, 503, {}));
    const run = await checkMany(f.host, 6, { retries: 0, hostFailureThreshold: 0 });
    expect(run.results.map((r) => r.status)).toEqual(Array(6).fill('registry_unavailable'));
    expect(f.seen.length).toBe(6);
  });
});
