import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EXIT_ERROR as ACTION_EXIT_ERROR, failRun } from '../../src/action-io.js';
import { EXIT_ERROR, reportError } from '../../src/cli.js';
import { ConfigError } from '../../src/config/resolve.js';
import { registerSecret } from '../../src/secrets.js';

function sink(): { stream: Writable; text: () => string } {
  let out = '';
  const stream = new Writable({
    write(chunk, _enc, cb) {
      out += String(chunk);
      cb();
    },
  });
  return { stream, text: () => out };
}

describe('an unexpected error ends the CLI with exit code 2 and one redacted line', () => {
  it('prints no stack without debug, the redacted stack with K8S_IMAGE_CHECK_DEBUG=1', () => {
    registerSecret('crash-secret-value-1');
    const err = new RangeError('Invalid string length near crash-secret-value-1\nmore detail');
    const plain = sink();
    expect(reportError(err, { stderr: plain.stream, env: {} })).toBe(EXIT_ERROR);
    expect(EXIT_ERROR).toBe(2);
    const lines = plain.text().trimEnd().split('\n');
    expect(lines[0]).toBe('k8s-image-check: internal error: Invalid string length near ***');
    expect(lines).toHaveLength(2);
    expect(plain.text()).not.toMatch(/\n\s+at /);

    const debug = sink();
    reportError(err, { stderr: debug.stream, env: { K8S_IMAGE_CHECK_DEBUG: '1' } });
    expect(debug.text()).toMatch(/\n\s+at /);
    expect(debug.text()).not.toContain('crash-secret-value-1');
  });

  it('keeps configuration errors to their message', () => {
    const out = sink();
    expect(reportError(new ConfigError("input 'x': bad."), { stderr: out.stream, env: {} })).toBe(2);
    expect(out.text()).toBe("k8s-image-check: input 'x': bad.\n");
  });
});

describe('the action ends a failed run with exit code 2 and one error line', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes one ::error:: line (redacted, no stack) and sets exit code 2, never 1', () => {
    registerSecret('action-crash-secret-2');
    const written: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    let code: number | undefined;
    failRun(
      { setExitCode: (c) => (code = c) },
      new TypeError('boom action-crash-secret-2\n    at x (y.js:1:1)'),
    );
    vi.restoreAllMocks();
    expect(code).toBe(ACTION_EXIT_ERROR);
    expect(code).toBe(2);
    const out = written.join('');
    expect(out).toMatch(/^::error::k8s-image-check failed: internal error: boom \*\*\*\. Please report this/);
    expect(out.trimEnd().split('\n')).toHaveLength(1);
    expect(out).not.toContain('action-crash-secret-2');
  });
});

describe('CLI scan with hostile credential helpers', () => {
  it('says which helper flooded or failed, never quotes its stdout, and checks the other images', async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, chmodSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { startEchoRegistry } = await import('../helpers/echo-registry.js');
    const { runCli } = await import('../helpers/run-cli.js');
    const [a, b, c] = await Promise.all([startEchoRegistry(), startEchoRegistry(), startEchoRegistry()]);
    const dir = mkdtempSync(join(tmpdir(), 'kic-cli-helpers-'));
    try {
      const hosts = [a, b, c].map((s) => new URL(s.url).host);
      const bin = join(dir, 'bin');
      mkdirSync(bin);
      writeFileSync(
        join(bin, 'docker-credential-leaky'),
        `#!/bin/sh\nread -r s\nprintf '{"ServerURL":"%s","Username":"u","Secret":"cli-helper-secret-9"}\\n' "$s"\nexit 1\n`,
      );
      writeFileSync(join(bin, 'docker-credential-flood'), '#!/bin/sh\nexec yes SecretSecret\n');
      for (const n of ['leaky', 'flood']) chmodSync(join(bin, `docker-credential-${n}`), 0o755);
      mkdirSync(join(dir, '.docker'));
      writeFileSync(
        join(dir, '.docker', 'config.json'),
        JSON.stringify({ credHelpers: { [hosts[0]!]: 'leaky', [hosts[1]!]: 'flood' } }),
      );
      const images = hosts
        .map((h, i) => `        - name: c${i}\n          image: ${h}/shop/ok:1.0`)
        .join('\n');
      writeFileSync(
        join(dir, 'app.yaml'),
        `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n${images.replace(/^ {4}/gm, '')}\n`,
      );
      const run = await runCli(
        [
          'scan',
          '.',
          '--format',
          'json',
          ...hosts.flatMap((h) => ['--plain-http-registry', h]),
          '--fail-on',
          'error',
        ],
        { cwd: dir, env: { HOME: dir, PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` } },
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain(
        `credential helper docker-credential-flood wrote more than ${1024 * 1024} bytes`,
      );
      expect(run.stderr).toContain('docker-credential-leaky get failed (exit 1)');
      expect(run.stderr + run.stdout).not.toContain('cli-helper-secret-9');
      const report = JSON.parse(run.stdout) as { images: { check: { status: string } }[] };
      expect(report.images.map((i) => i.check.status)).toEqual(['available', 'available', 'available']);
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
