/**
 * `scan -`: manifests piped in (`kustomize build overlays/prod | k8s-image-check scan -`). The bytes are
 * bounded by max-file-size and decoded like a file; positions are reported as `<stdin>:line`.
 */
import { decodeManifestBytes } from './decode.js';
import { describeSize } from './file-type.js';
import { FileRefusedError } from './read.js';
import type { ManifestFile } from './types.js';

/** The file name every report uses for manifests read from stdin (never a repository path). */
export const STDIN_FILE = '<stdin>';

/** True when a report path is the stdin pseudo-file rather than a repository file. */
export function isStdinFile(file: string | null | undefined): boolean {
  return file === STDIN_FILE;
}

/** Stdin cannot be read: a terminal with nothing piped, or more than max-file-size. Exit 2. */
export class StdinError extends Error {
  override name = 'StdinError';
}

export const STDIN_TTY_MESSAGE =
  'reading manifests from stdin; pipe them in, e.g. kustomize build overlays/prod | k8s-image-check scan -';

/** Reads all of stdin, refusing a terminal and anything over `maxBytes` (stops reading at the limit). */
export async function readStdinBytes(
  stream: NodeJS.ReadableStream & { isTTY?: boolean },
  maxBytes: number,
): Promise<Uint8Array> {
  if (stream.isTTY === true) throw new StdinError(STDIN_TTY_MESSAGE);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const b = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk);
    total += b.length;
    if (total > maxBytes) {
      throw new StdinError(
        `stdin is larger than max-file-size (${describeSize(maxBytes)}); raise --max-file-size or scan the files instead.`,
      );
    }
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** The pseudo-file and reader `extractFiles` takes for stdin bytes: decoded exactly like a file. */
export function stdinManifest(bytes: Uint8Array): { file: ManifestFile; read: () => Promise<string> } {
  return {
    file: { path: STDIN_FILE, absPath: STDIN_FILE, size: bytes.byteLength },
    read: async () => {
      const decoded = decodeManifestBytes(bytes);
      if (!decoded.ok) throw new FileRefusedError(decoded.refusal);
      return decoded.text;
    },
  };
}
