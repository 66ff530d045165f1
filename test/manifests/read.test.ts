import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BINARY_REASON,
  decodeManifestBytes,
  firstInvalidUtf8,
  guessWideEncoding,
} from '../../src/manifests/decode.js';
import { extractFile } from '../../src/manifests/extract.js';
import { createRootedReader, FileRefusedError, findUnsafeEntry } from '../../src/manifests/read.js';

const POD = 'kind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx:1.27\n';

/** The images of a text with their lines, as extraction reports them. */
function images(text: string): string[] {
  return extractFile({ path: 'x.yaml', absPath: '/x.yaml', size: 0 }, text).uses.map(
    (u) => `${u.line}:${u.column} ${u.raw}`,
  );
}

function decoded(bytes: Uint8Array): string {
  const d = decodeManifestBytes(bytes);
  if (!d.ok) throw new Error(`not decoded: ${d.refusal.reason}`);
  return d.text;
}

function refusal(bytes: Uint8Array) {
  const d = decodeManifestBytes(bytes);
  if (d.ok) throw new Error('decoded');
  return d.refusal;
}

const utf16be = (s: string): Buffer => Buffer.from(s, 'utf16le').swap16();

describe('decodeManifestBytes', () => {
  it('decodes UTF-16 LE and BE with a BOM; images keep their lines and columns', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(POD, 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(POD)]);
    expect(images(decoded(le))).toEqual(['7:14 nginx:1.27']);
    expect(images(decoded(be))).toEqual(['7:14 nginx:1.27']);
    expect(decodeManifestBytes(be)).toMatchObject({ ok: true, encoding: 'utf-16be' });
  });

  it('says UTF-16 without a BOM and UTF-32 are not supported, instead of finding 0 images', () => {
    expect(refusal(Buffer.from(POD, 'utf16le'))).toMatchObject({
      kind: 'encoding',
      reason: expect.stringContaining('UTF-16 LE without a byte-order mark, which is not supported'),
    });
    expect(refusal(utf16be(POD)).reason).toContain('UTF-16 BE without a byte-order mark');
    const utf32le = Buffer.alloc(POD.length * 4);
    for (let i = 0; i < POD.length; i++) utf32le.writeUInt32LE(POD.charCodeAt(i), i * 4);
    expect(refusal(Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), utf32le])).reason).toContain(
      'UTF-32 (it starts with a UTF-32 byte-order mark), which is not supported',
    );
    expect(guessWideEncoding(utf32le)).toBe('UTF-32 LE');
  });

  it('drops a UTF-8 BOM', () => {
    const text = decoded(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(POD)]));
    expect(text.startsWith('kind')).toBe(true);
    expect(images(text)).toEqual(['7:14 nginx:1.27']);
  });

  it('names invalid UTF-8 with the byte, line and column instead of replacement characters', () => {
    const bytes = Buffer.concat([Buffer.from('a: 1\nbé: '), Buffer.from([0xff]), Buffer.from('\n')]);
    // `a: 1\n` is 5 bytes, `bé: ` 5 more (é is two): the 0xff is byte 11, on line 2 at character 5.
    expect(refusal(bytes)).toEqual({
      kind: 'encoding',
      reason: 'not valid UTF-8 at byte 11 (line 2, column 5); kubectl rejects it: save the file as UTF-8',
      line: 2,
      column: 5,
    });
  });

  it('finds the first invalid UTF-8 sequence: overlong, surrogate, truncated, above U+10FFFF', () => {
    expect(firstInvalidUtf8(Buffer.from('ok ✓ 😀'))).toBe(Buffer.byteLength('ok ✓ 😀'));
    expect(firstInvalidUtf8(Buffer.from([0x61, 0xc0, 0x80]))).toBe(1);
    expect(firstInvalidUtf8(Buffer.from([0x61, 0x62, 0xed, 0xa0, 0x80]))).toBe(2);
    expect(firstInvalidUtf8(Buffer.from([0xe2, 0x9c]))).toBe(0);
    expect(firstInvalidUtf8(Buffer.from([0x20, 0xf4, 0x90, 0x80, 0x80]))).toBe(1);
  });

  it('calls a file with NUL bytes binary, not a template', () => {
    const png = Buffer.from([
      0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x7b, 0x7b, 0x7b,
      0x25,
    ]);
    expect(refusal(png)).toEqual({ kind: 'binary', reason: BINARY_REASON });
    expect(BINARY_REASON).toMatch(/^binary file/);
  });

  it('counts CR-only line endings (classic Mac) as lines, and keeps CRLF positions', () => {
    expect(images(decoded(Buffer.from(POD.replaceAll('\n', '\r'))))).toEqual(['7:14 nginx:1.27']);
    expect(images(decoded(Buffer.from(POD.replaceAll('\n', '\r\n'))))).toEqual(['7:14 nginx:1.27']);
    const mixed =
      'kind: Pod\r\nmetadata:\r  name: p\nspec:\r  containers:\r\n    - name: c\r      image: a:1\r';
    expect(images(decoded(Buffer.from(mixed)))).toEqual(['7:14 a:1']);
  });

  it('names CR-only lines in an invalid UTF-8 position too', () => {
    const bytes = Buffer.concat([Buffer.from('a: 1\rb: 2\rc: '), Buffer.from([0xc3])]);
    expect(refusal(bytes)).toMatchObject({ line: 3, column: 4 });
  });
});

describe('createRootedReader', () => {
  let base: string;
  let root: string;
  beforeEach(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'kic-read-'));
    root = path.join(base, 'repo');
    await mkdir(path.join(root, 'k'), { recursive: true });
    await writeFile(path.join(root, 'k/pod.yaml'), POD);
    await writeFile(path.join(base, 'outside.yaml'), POD);
  });
  afterEach(async () => {
    await rm(base, { recursive: true, force: true });
  });

  const refusedBy = async (abs: string, maxFileSize?: number) => {
    const err = await createRootedReader({ root, maxFileSize })(abs).then(
      () => null,
      (e: unknown) => e,
    );
    if (!(err instanceof FileRefusedError)) throw new Error(`not refused: ${String(err)}`);
    return err.refusal;
  };

  it('reads regular files and symlinks that stay inside the root', async () => {
    await symlink('pod.yaml', path.join(root, 'k/link.yaml'));
    const read = createRootedReader({ root });
    expect(await read(path.join(root, 'k/pod.yaml'))).toBe(POD);
    expect(await read(path.join(root, 'k/link.yaml'))).toBe(POD);
  });

  it('refuses symlinks to files and directories outside the root, and `..` paths', async () => {
    await symlink('/etc/hostname', path.join(root, 'k/host.yaml'));
    await symlink(base, path.join(root, 'k/up'));
    for (const p of ['k/host.yaml', 'k/up/outside.yaml', '../outside.yaml']) {
      expect(await refusedBy(path.join(root, p))).toMatchObject({
        kind: 'outside-root',
        reason: expect.stringContaining('outside the repository root'),
      });
    }
  });

  it('refuses a FIFO without blocking, and /dev/zero reached through a symlink without reading it', async () => {
    execFileSync('mkfifo', [path.join(root, 'k/pipe.yaml')]);
    expect(await refusedBy(path.join(root, 'k/pipe.yaml'))).toEqual({
      kind: 'not-regular',
      reason: 'is a FIFO (named pipe), not a regular file; only regular files are read',
    });
    await symlink('/dev/zero', path.join(root, 'k/zero.yaml'));
    expect((await refusedBy(path.join(root, 'k/zero.yaml'))).kind).toBe('outside-root');
    // With the root at `/`, the device is inside it: still refused as a special file.
    const fromSlash = await createRootedReader({ root: '/' })(path.join(root, 'k/zero.yaml')).catch((e) => e);
    expect(fromSlash).toBeInstanceOf(FileRefusedError);
    expect(fromSlash.refusal.reason).toContain('character device');
  }, 20_000);

  it('refuses a file over the size limit', async () => {
    expect(await refusedBy(path.join(root, 'k/pod.yaml'), 10)).toMatchObject({
      kind: 'too-large',
      reason: expect.stringContaining('over the max-file-size limit of 10 bytes'),
    });
  });

  it('reports a missing file and a directory as such (callers try a directory as a kustomization)', async () => {
    expect((await refusedBy(path.join(root, 'k/none.yaml'))).kind).toBe('missing');
    expect((await refusedBy(path.join(root, 'k'))).kind).toBe('directory');
  });

  it('finds what helm must not read in a chart tree', async () => {
    expect(await findUnsafeEntry(path.join(root, 'k'), root)).toBeNull();
    await symlink('/etc/hostname', path.join(root, 'k/host'));
    expect(await findUnsafeEntry(path.join(root, 'k'), root)).toBe(
      'k/host is a symlink that leads outside the repository root',
    );
    await rm(path.join(root, 'k/host'));
    await mkdir(path.join(root, 'k/files'));
    execFileSync('mkfifo', [path.join(root, 'k/files/pipe')]);
    expect(await findUnsafeEntry(path.join(root, 'k'), root)).toBe('k/files/pipe is a FIFO (named pipe)');
  });
});
