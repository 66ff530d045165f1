/** Names for what a path is when it is not a regular file (shared by discovery and the rooted reader). */

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
