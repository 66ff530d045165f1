import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  isRetryableStatus,
  parseRetryAfter,
  rateLimitDelay,
} from '../../src/registry/retry.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

describe('parseRetryAfter', () => {
  const cases: [string | undefined, number | undefined][] = [
    [undefined, undefined],
    ['', undefined],
    ['0', 0],
    ['5', 5000],
    [' 120 ', 120_000],
    ['1.5', 1500],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['soon', undefined],
    ['-3', undefined],
  ];
  for (const [value, want] of cases)
    it(`${JSON.stringify(value)} → ${want}`, () => expect(parseRetryAfter(value, NOW)).toBe(want));
});

describe('backoffDelay', () => {
  it('doubles per attempt with jitter in [0.5, 1.5)', () => {
    expect(backoffDelay(0, 500, () => 0, 60_000)).toBe(250);
    expect(backoffDelay(0, 500, () => 0.5, 60_000)).toBe(500);
    expect(backoffDelay(2, 500, () => 0.5, 60_000)).toBe(2000);
    expect(backoffDelay(3, 500, () => 0.999, 60_000)).toBe(5996);
  });
  it('is capped', () => expect(backoffDelay(20, 500, () => 0.5, 60_000)).toBe(60_000));
});

describe('rateLimitDelay', () => {
  it('honours Retry-After up to the cap', () => {
    expect(rateLimitDelay(2000, 0, 500, () => 0.5, 60_000)).toBe(2000);
    expect(rateLimitDelay(3_600_000, 0, 500, () => 0.5, 60_000)).toBe(60_000);
  });
  it('falls back to backoff without Retry-After', () =>
    expect(rateLimitDelay(undefined, 1, 500, () => 0.5, 60_000)).toBe(1000));
});

describe('isRetryableStatus', () => {
  const cases: [number, boolean][] = [
    [200, false],
    [404, false],
    [401, false],
    [408, true],
    [429, true],
    [500, true],
    [501, false],
    [502, true],
    [503, true],
    [504, true],
    [505, false],
  ];
  for (const [s, want] of cases) it(`${s}`, () => expect(isRetryableStatus(s)).toBe(want));
});
