import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DriftReport } from '../../src/cluster/types.js';
import { runCli } from '../helpers/run-cli.js';

const repo = new URL('../..', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'drift-broken-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function drift(args: string[]) {
  const r = await runCli(['drift', ...args], { cwd: dir });
  return { code: r.code, out: r.stdout, err: r.stderr };
}

describe('drift with a manifest that does not parse', () => {
  it('reports the file and line in errors and does not call its workloads "not in git"', async () => {
    cpSync(join(repo, 'fixtures/cluster/manifests'), join(dir, 'deploy'), { recursive: true });
    writeFileSync(
      join(dir, 'deploy', 'zz-broken.yaml'),
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: "oops\n',
    );
    const { out, err } = await drift([
      '--manifests',
      'deploy',
      '--default-namespace',
      'shop',
      '--pods-file',
      join(repo, 'fixtures/cluster/dump/pods.json'),
      '--objects-file',
      join(repo, 'fixtures/cluster/dump/objects.json'),
      '--offline',
      '--report-not-in-git',
      '--format',
      'json',
    ]);
    const report = JSON.parse(out) as DriftReport;
    const manifestErrors = report.errors.filter((e) => e.kind === 'manifest');
    expect(manifestErrors).toHaveLength(1);
    expect(manifestErrors[0]!.message).toMatch(/^deploy\/zz-broken\.yaml:4:\d+: /);
    expect(report.drift.filter((d) => d.status === 'not_in_git')).toEqual([]);
    expect(err).toContain('not_in_git is not reported this run');
  });

  it('rejects output formats drift does not have', async () => {
    const { code, err } = await drift(['--format', 'sarif', '--pods-file', 'x.json']);
    expect(code).toBe(2);
    expect(err).toContain('--format sarif is only available for scan; drift prints text or json.');
  });
});
