/**
 * Test certificates made with the `openssl` CLI (EC P-256, fast): a CA, a server certificate for
 * `127.0.0.1` and `localhost` signed by it, and a self-signed signing certificate for token servers.
 * Files go into a directory the caller owns (usually a registry's temp dir).
 */
import { execFile } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A certificate with its private key, as files and as PEM text. */
export interface CertFiles {
  certFile: string;
  keyFile: string;
  certPem: string;
  keyPem: string;
}

/** A test CA and a server certificate it signed (SAN `IP:127.0.0.1`, `DNS:localhost`). */
export interface TlsFiles {
  dir: string;
  caFile: string;
  caPem: string;
  ca: CertFiles;
  server: CertFiles;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (err: unknown) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0]} failed in ${cwd}: ${stderr.trim() || String(err)}`);
  }
}

async function readPair(certFile: string, keyFile: string): Promise<CertFiles> {
  return {
    certFile,
    keyFile,
    certPem: await readFile(certFile, 'utf8'),
    keyPem: await readFile(keyFile, 'utf8'),
  };
}

/** Create a self-signed CA (EC P-256, 10 years) as `<dir>/<name>.pem` and `<dir>/<name>.key`. */
export async function generateCa(
  dir: string,
  name = 'ca',
  subject = '/CN=k8s-image-check test CA',
): Promise<CertFiles> {
  await mkdir(dir, { recursive: true });
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}.key`);
  await openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '3650',
      '-subj',
      subject,
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  return readPair(certFile, keyFile);
}

/**
 * Create a server certificate signed by `ca` with the given subject alternative names
 * (default `IP:127.0.0.1,DNS:localhost`) as `<dir>/<name>.pem` / `.key`.
 */
export async function generateServerCert(
  dir: string,
  ca: CertFiles,
  options: { name?: string; san?: string[] } = {},
): Promise<CertFiles> {
  const name = options.name ?? 'server';
  const san = options.san ?? ['IP:127.0.0.1', 'DNS:localhost'];
  await mkdir(dir, { recursive: true });
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}.key`);
  const csr = join(dir, `${name}.csr`);
  const ext = join(dir, `${name}.ext`);
  await writeFile(
    ext,
    [
      `subjectAltName=${san.join(',')}`,
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  );
  await openssl(
    [
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      csr,
      '-subj',
      '/CN=127.0.0.1',
    ],
    dir,
  );
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      ca.certFile,
      '-CAkey',
      ca.keyFile,
      '-CAcreateserial',
      '-out',
      certFile,
      '-days',
      '365',
      '-extfile',
      ext,
    ],
    dir,
  );
  return readPair(certFile, keyFile);
}

/** Create a CA and a server certificate for 127.0.0.1/localhost in `dir`. */
export async function generateTls(dir: string): Promise<TlsFiles> {
  const ca = await generateCa(dir);
  const server = await generateServerCert(dir, ca);
  return { dir, caFile: ca.certFile, caPem: ca.certPem, ca, server };
}

/**
 * Create a self-signed EC P-256 certificate for signing tokens (`<dir>/<name>.pem` / `.key`). Put the
 * certificate itself in the registry's `rootcertbundle` and sign JWTs with `kid` = {@link libtrustKeyId}.
 */
export async function generateSigningCert(dir: string, name = 'token-signer'): Promise<CertFiles> {
  await mkdir(dir, { recursive: true });
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}.key`);
  await openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      certFile,
      '-days',
      '3650',
      '-subj',
      '/CN=k8s-image-check test token signer',
    ],
    dir,
  );
  return readPair(certFile, keyFile);
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/**
 * The libtrust key ID of a public key (certificate or key PEM) as distribution's token auth computes it:
 * base32(sha256(DER SubjectPublicKeyInfo)[:30]) in 12 groups of 4 characters joined by `:`.
 */
export function libtrustKeyId(pem: string): string {
  const der = createPublicKey(pem).export({ type: 'spki', format: 'der' });
  const b32 = base32(createHash('sha256').update(der).digest().subarray(0, 30));
  return b32.match(/.{4}/g)!.join(':');
}
