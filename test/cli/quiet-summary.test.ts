/** `--quiet` prints nothing but errors and `--summary` only the totals; the exit code is unchanged. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const repo = path.resolve(import.meta.dirname, '../..');
const run = (argv: string[]) => runCli(argv, { cwd: repo, env: {} });
const scanArgs = ['scan', 'fixtures/examples/shop', '--offline', '--fail-on', 'warning'];
const driftArgs = [
  'drift',
  '--offline',
  '--pods-file',
  'fixtures/cluster/dump/pods.json',
  '--objects-file',
  'fixtures/cluster/dump/objects.json',
  '--manifests',
  'fixtures/cluster/manifests',
];

describe('scan --quiet and --summary', () => {
  it('--quiet prints nothing and exits as the full run does', async () => {
    const full = await run([...scanArgs, '--format', 'text']);
    expect(full.code).toBe(1);
    const quiet = await run([...scanArgs, '--format', 'text', '--quiet']);
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr).toBe('');
    expect(quiet.code).toBe(full.code);
    const pass = await run(['scan', 'fixtures/examples/shop', '--offline', '--fail-on', 'never', '--quiet']);
    expect(pass).toMatchObject({ code: 0, stdout: '' });
  });

  it('--summary prints exactly the totals lines that end the text report, in any format', async () => {
    const full = await run([...scanArgs, '--format', 'text']);
    const totals = full.stdout.trimEnd().split('\n').slice(-2);
    expect(totals[1]).toMatch(/^\d+ error\(s\), \d+ warning\(s\), \d+ notice\(s\)\.$/);
    for (const format of ['text', 'json']) {
      const s = await run([...scanArgs, '--format', format, '--summary']);
      expect(s.stdout).toBe(`${totals.join('\n')}\n`);
      expect(s.code).toBe(full.code);
    }
  });

  it('still reports usage errors under --quiet (exit 2 with the message)', async () => {
    const r = await run(['scan', 'fixtures/examples/shop', '--quiet', '--fail-on', 'sometimes']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('fail-on');
  });
});

describe('drift --quiet and --summary', () => {
  it('--summary prints the one totals line, --quiet nothing, both with the full exit code', async () => {
    const full = await run(driftArgs);
    const summary = await run([...driftArgs, '--summary']);
    expect(summary.stdout).toBe(`${full.stdout.split('\n')[0]}\n`);
    expect(summary.stdout).toMatch(/workload\(s\), \d+ pod\(s\); \d+ unhealthy workload\(s\)/);
    const quiet = await run([...driftArgs, '--quiet']);
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr).toBe('');
    expect([summary.code, quiet.code]).toEqual([full.code, full.code]);
  });
});
