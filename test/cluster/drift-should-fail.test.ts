import { describe, expect, it } from 'vitest';
import type { DriftReport, WorkloadReport } from '../../src/cluster/types.js';
import { driftShouldFail } from '../../src/commands/drift.js';

const report = (...severities: WorkloadReport['severity'][]) =>
  ({ workloads: severities.map((severity) => ({ severity }) as WorkloadReport) }) as DriftReport;

describe('driftShouldFail (fail-on in cluster mode)', () => {
  it.each([
    ['never', ['critical'], false],
    ['error', ['warning'], false],
    ['error', ['critical'], true],
    ['warning', ['warning'], true],
    ['warning', ['info'], false],
    ['notice', ['info'], true],
    ['error', [], false],
    ['critical', ['warning'], false],
    ['critical', ['critical'], true],
    ['info', ['info'], true],
    ['info', ['none'], false],
    ['notice', ['none'], false],
  ] as const)('fail-on %s with workloads %j → %s', (failOn, sev, expected) => {
    expect(driftShouldFail(report(...sev), failOn)).toBe(expected);
  });
});
