import { describe, expect, it } from 'vitest';
import { shouldFail } from '../src/report/findings.js';
import type { Finding } from '../src/report/model.js';
import {
  anyFailsAt,
  bySeverityDesc,
  FAIL_ON_VALUES,
  failsAt,
  type HealthSeverity,
  isFailOn,
  maxSeverity,
  severityLevel,
} from '../src/severity.js';

describe('one severity scale for both modes', () => {
  it('maps the PR words onto the cluster words: error ≡ critical, notice ≡ info', () => {
    expect(severityLevel('error')).toBe(severityLevel('critical'));
    expect(severityLevel('notice')).toBe(severityLevel('info'));
    const ordered: HealthSeverity[] = ['none', 'info', 'warning', 'critical'];
    for (let i = 1; i < ordered.length; i++)
      expect(severityLevel(ordered[i] as HealthSeverity)).toBeGreaterThan(
        severityLevel(ordered[i - 1] as HealthSeverity),
      );
    expect(severityLevel('warning')).toBeGreaterThan(severityLevel('notice'));
    expect(severityLevel('error')).toBeGreaterThan(severityLevel('warning'));
  });

  it('orders and maxes within one vocabulary', () => {
    expect(maxSeverity('info', 'critical')).toBe('critical');
    expect(maxSeverity('warning', 'none')).toBe('warning');
    expect(['notice', 'error', 'warning'].sort(bySeverityDesc as (a: string, b: string) => number)).toEqual([
      'error',
      'warning',
      'notice',
    ]);
  });

  it.each([
    ['critical', 'error', true],
    ['error', 'critical', true],
    ['warning', 'critical', false],
    ['warning', 'error', false],
    ['warning', 'warning', true],
    ['info', 'notice', true],
    ['notice', 'info', true],
    ['info', 'warning', false],
    ['critical', 'never', false],
    ['none', 'info', false],
    ['none', 'notice', false],
  ] as const)('a %s fails at fail-on %s: %s', (severity, failOn, expected) => {
    expect(failsAt(severity, failOn)).toBe(expected);
  });

  it('accepts both vocabularies as fail-on and nothing else', () => {
    expect([...FAIL_ON_VALUES].sort()).toEqual(['critical', 'error', 'info', 'never', 'notice', 'warning']);
    for (const v of FAIL_ON_VALUES) expect(isFailOn(v)).toBe(true);
    for (const v of ['none', 'off', 'ERROR', '', 3, null]) expect(isFailOn(v)).toBe(false);
    expect(anyFailsAt([], 'info')).toBe(false);
    expect(anyFailsAt(['none', 'info'], 'notice')).toBe(true);
  });

  it('PR-mode shouldFail takes the cluster words', () => {
    const f = (severity: Finding['severity']) => ({ severity }) as Finding;
    expect(shouldFail([f('error')], 'critical')).toBe(true);
    expect(shouldFail([f('warning')], 'critical')).toBe(false);
    expect(shouldFail([f('notice')], 'info')).toBe(true);
    expect(shouldFail([f('notice')], 'warning')).toBe(false);
  });
});
