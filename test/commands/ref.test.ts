import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { explainAsText, type RefJsonLine, runRefCommand } from '../../src/commands/ref.js';

const DIGEST = `sha256:${'e'.repeat(64)}`;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function sink(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/** Runs the command with stdin made of the given chunks (strings or raw bytes). */
async function run(args: string[], stdinChunks: (string | Buffer)[] = [], isTTY = false): Promise<Run> {
  const stdout = sink();
  const stderr = sink();
  const stdin = Readable.from(stdinChunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
  const code = await runRefCommand(args, { stdin, stdout: stdout.stream, stderr: stderr.stream, isTTY });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

function jsonLines(out: string): RefJsonLine[] {
  expect(out.endsWith('\n') || out === '').toBe(true);
  return out === ''
    ? []
    : out
        .slice(0, -1)
        .split('\n')
        .map((line) => JSON.parse(line) as RefJsonLine);
}

describe('ref --json', () => {
  it('prints one object per argument with every key, in order', async () => {
    const result = await run(['--json', 'ubuntu:22.04', `ghcr.io/org/app:v1@${DIGEST}`]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe(
      '{"input":"ubuntu:22.04","valid":true,"registry":"docker.io","repository":"library/ubuntu",' +
        '"tag":"22.04","digest":null,"normalized":"docker.io/library/ubuntu:22.04","error":null}',
    );
    expect(JSON.parse(lines[1] ?? '')).toEqual({
      input: `ghcr.io/org/app:v1@${DIGEST}`,
      valid: true,
      registry: 'ghcr.io',
      repository: 'org/app',
      tag: 'v1',
      digest: DIGEST,
      normalized: `ghcr.io/org/app:v1@${DIGEST}`,
      error: null,
    });
    expect(lines).toHaveLength(3);
  });

  it('reports an invalid reference with nulls and the Go error, exit 1', async () => {
    const result = await run(['Foo', 'nginx', '--json']);
    expect(result.code).toBe(1);
    expect(jsonLines(result.stdout)).toEqual([
      {
        input: 'Foo',
        valid: false,
        registry: null,
        repository: null,
        tag: null,
        digest: null,
        normalized: null,
        error: 'invalid reference format: repository name (library/Foo) must be lowercase',
      },
      {
        input: 'nginx',
        valid: true,
        registry: 'docker.io',
        repository: 'library/nginx',
        tag: null,
        digest: null,
        normalized: 'docker.io/library/nginx',
        error: null,
      },
    ]);
  });

  it('reads stdin line by line: empty lines count, CRLF is handled, a final newline adds nothing', async () => {
    const result = await run(['--json'], ['nginx\r\n\nredis:7\r\n', 'Bad Ref\n']);
    expect(result.code).toBe(1);
    expect(jsonLines(result.stdout).map((l) => [l.input, l.valid, l.error])).toEqual([
      ['nginx', true, null],
      ['', false, 'invalid reference format'],
      ['redis:7', true, null],
      ['Bad Ref', false, 'invalid reference format: repository name (library/Bad Ref) must be lowercase'],
    ]);
  });

  it('handles a last line without newline, and lines and characters split across chunks', async () => {
    const snowman = Buffer.from('☃'); // 3 bytes, split over two chunks
    const result = await run(
      ['--json'],
      [
        'ngi',
        'nx:1\r',
        '\nx',
        snowman.subarray(0, 1),
        Buffer.concat([snowman.subarray(1), Buffer.from('\nalpine')]),
      ],
    );
    expect(jsonLines(result.stdout).map((l) => l.input)).toEqual(['nginx:1', 'x☃', 'alpine']);
    expect(result.code).toBe(1);
  });

  it.each([
    ['empty stdin', [], 0, 0],
    ['a single newline: one empty input', ['\n'], 1, 1],
    ['two newlines: two empty inputs', ['\n\n'], 2, 1],
    ['a single CRLF: one empty input', ['\r\n'], 1, 1],
  ])('%s', async (_name, chunks, count, code) => {
    const result = await run(['--json'], chunks);
    expect([jsonLines(result.stdout).length, result.code]).toEqual([count, code]);
  });

  it('drops a UTF-8 byte order mark before the first reference', async () => {
    const result = await run(['--json'], ['\uFEFFnginx\n']);
    expect(jsonLines(result.stdout).map((l) => [l.input, l.valid])).toEqual([['nginx', true]]);
  });

  it('ignores stdin when references are given as arguments', async () => {
    const result = await run(['--json', 'alpine'], ['nginx\n']);
    expect(jsonLines(result.stdout).map((l) => l.input)).toEqual(['alpine']);
  });

  it('takes a reference that starts with "-" after "--"', async () => {
    const result = await run(['--json', '--', '-docker']);
    expect(result.code).toBe(1);
    expect(jsonLines(result.stdout).map((l) => [l.input, l.error])).toEqual([
      ['-docker', 'invalid reference format'],
    ]);
  });
});

describe('ref text output', () => {
  it('explains registry, repository, tag, digest, normalized form and what is pulled', () => {
    expect(explainAsText('nginx')).toBe(
      [
        'nginx',
        '  registry:   docker.io',
        '  repository: library/nginx',
        '  tag:        (none)',
        '  digest:     (none)',
        '  normalized: docker.io/library/nginx',
        '  familiar:   nginx',
        '  pulls:      docker.io/library/nginx:latest (no tag: "latest" is implied)',
        '  missing-tag: Image "nginx" has no tag or digest: the kubelet pulls "docker.io/library/nginx:latest", which changes ' +
          'whenever someone pushes a new "latest"; pin a version tag or a digest.',
        '',
      ].join('\n'),
    );
  });

  it('says a digest wins over the tag', () => {
    const text = explainAsText(`ghcr.io/org/app:main@${DIGEST}`);
    expect(text).toContain(`  pulls:      ghcr.io/org/app@${DIGEST} (by digest; the tag is ignored)\n`);
    expect(text).not.toContain('mutable');
  });

  it('shows the error of an invalid reference and labels an empty line', () => {
    expect(explainAsText('Foo')).toBe(
      'Foo\n  invalid:    invalid reference format: repository name (library/Foo) must be lowercase\n',
    );
    expect(explainAsText('')).toBe('(empty line)\n  invalid:    invalid reference format\n');
  });

  it('separates blocks with a blank line and exits 0 when all are valid', async () => {
    const result = await run(['alpine:3.19', 'quay.io/prometheus/node-exporter:v1.7.0']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `${explainAsText('alpine:3.19')}\n${explainAsText('quay.io/prometheus/node-exporter:v1.7.0')}`,
    );
  });

  it('tells a terminal user that it waits for stdin', async () => {
    const result = await run([], ['nginx:1\n'], true);
    expect(result.stderr).toBe('Reading image references from stdin, one per line (end with Ctrl-D).\n');
    expect(result.code).toBe(0);
  });
});

describe('ref usage', () => {
  it.each([
    [['--jsn', 'nginx'], 'k8s-image-check ref: unknown flag "--jsn"'],
    [['-x'], 'k8s-image-check ref: unknown flag "-x"'],
    [['--json=yes', 'nginx'], 'k8s-image-check ref: flag "--json" takes no value'],
  ])('%j → exit 2', async (args, message) => {
    const result = await run(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')[0]).toBe(message);
    expect(result.stderr).toContain('Usage: k8s-image-check ref');
  });

  it('prints help on stdout with exit 0', async () => {
    const result = await run(['--help']);
    expect([result.code, result.stdout.startsWith('Usage: k8s-image-check ref [--json] [REF...]')]).toEqual([
      0,
      true,
    ]);
  });

  it('exits 2 with a message when stdin cannot be read', async () => {
    const stdin = new PassThrough();
    const stdout = sink();
    const stderr = sink();
    const pending = runRefCommand([], { stdin, stdout: stdout.stream, stderr: stderr.stream });
    stdin.destroy(new Error('EIO: i/o error'));
    expect(await pending).toBe(2);
    expect(stderr.text()).toBe(
      'k8s-image-check ref: cannot read stdin (EIO: i/o error); pass references as arguments.\n',
    );
  });
});
