/** `k8s-image-check scan -`: manifests piped in, positions as `<stdin>:line`, bounded and decoded like files. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli.js';
import { runCli } from '../helpers/run-cli.js';

const PIPED = `apiVersion: v1
kind: Service
metadata:
  name: web
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: prod
spec:
  template:
    spec:
      containers:
        - name: web
          image: registry.example.com/team/web:latest
        - name: proxy
          image: "nginx:1.27"
`;

let cwd = '';
beforeAll(async () => {
  // An empty working directory: nothing may come from files.
  cwd = await mkdtemp(path.join(tmpdir(), 'kic-stdin-'));
});
afterAll(async () => {
  await rm(cwd, { recursive: true, force: true });
});

const scan = (args: string[], stdin: string) =>
  runCli(['scan', '-', '--offline', ...args], { cwd, stdin, env: {} });

describe('scan - reads the manifests from stdin', () => {
  it('reports positions as <stdin>:line in JSON, with the tag policy and exit code of files', async () => {
    const r = await scan(['--format', 'json', '--fail-on', 'warning'], PIPED);
    expect(r.stderr).not.toContain('internal error');
    const report = JSON.parse(r.stdout);
    const uses = report.images.flatMap((i: { uses: unknown[] }) => i.uses);
    expect(uses).toEqual(
      expect.arrayContaining([
        // The Deployment is the second document of the stream (0-based index 1).
        expect.objectContaining({
          file: '<stdin>',
          line: 16,
          column: 18,
          document: 1,
          name: 'web',
          namespace: 'prod',
        }),
        expect.objectContaining({ file: '<stdin>', line: 18, column: 18, container: 'proxy' }),
      ]),
    );
    const latest = report.findings.find((f: { rule: string }) => f.rule === 'latest-tag');
    expect(latest).toMatchObject({ file: '<stdin>', line: 16 });
    expect(r.code).toBe(1);
    expect(report.files.scanned).toBe(1);
  });

  it('prints <stdin> and the line in text output, and passes when nothing reaches --fail-on', async () => {
    const r = await scan(['--format', 'text', '--fail-on', 'error'], PIPED);
    expect(r.stdout).toContain('<stdin>');
    expect(r.stdout).toMatch(/16:18\s+warning/);
    expect(r.code).toBe(0);
  });

  it('gives GitHub annotations no file= and says <stdin>:line in the message', async () => {
    const r = await scan(['--format', 'github'], PIPED);
    const line = r.stdout.split('\n').find((l) => l.includes('latest-tag'));
    expect(line).toBeDefined();
    expect(line).not.toContain('file=');
    expect(line).toContain('::<stdin>:16:18: ');
  });

  it('gives SARIF a location marked as stdin, not a repository file', async () => {
    const r = await scan(['--format', 'sarif'], PIPED);
    const sarif = JSON.parse(r.stdout);
    const loc = sarif.runs[0].results[0].locations[0].physicalLocation;
    expect(loc.artifactLocation.uri).toBe('%3Cstdin%3E');
    expect(loc.artifactLocation).not.toHaveProperty('uriBaseId');
    expect(loc.artifactLocation.description.text).toContain('standard input');
    expect(loc.region.startLine).toBe(16);
  });

  it('decodes stdin like a file: a UTF-16 BOM is read, invalid UTF-8 is named with its line', async () => {
    const bad = await runMain(
      ['scan', '-', '--offline', '--format', 'json'],
      Buffer.from('kind: Pod\nx: \xff\n', 'latin1'),
    );
    const report = JSON.parse(bad.stdout);
    expect(report.files.errors[0]).toMatchObject({ file: '<stdin>', line: 2 });
    expect(report.files.errors[0].message).toContain('UTF-8');
    const bom = await runMain(
      ['scan', '-', '--offline', '--format', 'json'],
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(PIPED, 'utf16le')]),
    );
    expect(JSON.parse(bom.stdout).images.length).toBe(2);
  });

  it('refuses more than --max-file-size, a terminal with nothing piped, and "-" mixed with paths (exit 2)', async () => {
    const big = await scan(['--max-file-size', '100'], PIPED);
    expect(big.code).toBe(2);
    expect(big.stderr).toContain('stdin is larger than max-file-size');
    const tty = await runMain(['scan', '-'], Buffer.alloc(0), true);
    expect(tty.code).toBe(2);
    expect(tty.stderr).toContain('reading manifests from stdin; pipe them in, e.g. kustomize build');
    const mixed = await runCli(['scan', '-', 'k8s'], { cwd, stdin: PIPED, env: {} });
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain('cannot be combined with other paths');
  });

  it.skipIf(!existsSync('/usr/bin/kubectl'))(
    'scans real kustomize build output of the staging overlay',
    async () => {
      const out = execFileSync(
        'kubectl',
        ['kustomize', path.resolve('fixtures/kustomize/overlays/staging')],
        {
          encoding: 'utf8',
        },
      );
      const r = await scan(['--format', 'json'], out);
      const report = JSON.parse(r.stdout);
      const refs = report.images.map((i: { ref: string }) => i.ref);
      expect(refs).toContain('registry.example.com/team/web:1.1.0-rc1');
      const lines = out.split('\n');
      for (const img of report.images)
        for (const u of img.uses) expect(lines[u.line - 1]).toContain(`image: ${img.ref}`);
    },
  );
});

/** Runs main with raw stdin bytes (and optionally a terminal as stdin). */
async function runMain(argv: string[], bytes: Buffer, isTTY = false) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => {
    out += d;
  });
  stderr.on('data', (d) => {
    err += d;
  });
  const stdin = Object.assign(Readable.from([bytes]), { isTTY });
  const code = await main(argv, { stdin, stdout, stderr, env: {}, cwd });
  return { code, stdout: out, stderr: err };
}
