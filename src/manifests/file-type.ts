/** Names for what a path is and how big (shared by discovery and the rooted reader). */

/** Default size above which a file is skipped (5 MB). */
export const DEFAULT_MAX_FILE_SIZE = 5_000_000;

/** The notice for a file over the size limit: what, how big, and the setting to change. */
export function tooLargeReason(size: number, maxFileSize: number): string {
  return `file is ${describeSize(size)}, over the max-file-size limit of ${describeSize(maxFileSize)}; raise max-file-size (--max-file-size) to scan it`;
}

/** `999 bytes`, `1.0 KB (1019 bytes)`, `2.5 MB (2500000 bytes)`: the unit that fits, and the exact count. */
export function describeSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const kb = (bytes / 1000).toFixed(1);
  const rounded = Number(kb) < 1000 ? `${kb} KB` : `${(bytes / 1_000_000).toFixed(1)} MB`;
  return `${rounded} (${bytes} bytes)`;
}

/** The reason for a FIFO, socket or device: never opened for reading, because it may block or never end. */
export function notRegularReason(kind: string): string {
  return `is a ${kind}, not a regular file; only regular files are read`;
}

/** `FIFO`, `socket`, `character device`, … for a stat result that is not a regular file. */
export function describeFileType(st: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSymbolicLink(): boolean;
}): string {
  if (st.isDirectory()) return 'directory';
  if (st.isFIFO()) return 'FIFO (named pipe)';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'character device';
  if (st.isBlockDevice()) return 'block device';
  if (st.isSymbolicLink()) return 'symlink';
  return 'special file';
}
