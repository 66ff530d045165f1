/** Hosts kustomize treats as git hosts without a scheme (`github.com/org/repo/path?ref=v1`). */
const SCHEMELESS_GIT_HOSTS = [
  'github.com/',
  'gitlab.com/',
  'bitbucket.org/',
  'dev.azure.com/',
  'ssh.dev.azure.com/',
];

/**
 * Returns true when a `resources`/`components` entry names a remote target (git repository or URL) rather
 * than a local path.
 *
 * @remarks kustomize first tries a local path and then falls back to `git`/HTTP; this check runs offline,
 * so anything shaped like a URL (`https://…`, `git::…`, `git@host:…`, `github.com/…`, `…?ref=…`) is remote.
 */
export function isRemoteTarget(target: string): boolean {
  const t = target.trim();
  if (/^[a-z][a-z0-9+.-]*::/i.test(t)) return true; // go-getter forced getter: git::, s3::, …
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) return true; // https://, ssh://, file://
  if (/^[^/\s@]+@[^/\s:]+:/.test(t)) return true; // git@github.com:org/repo
  if (SCHEMELESS_GIT_HOSTS.some((host) => t.startsWith(host))) return true;
  if (/[?&]ref=/.test(t) || /\.git(\/\/|$|\?)/.test(t)) return true;
  return false;
}

/** Returns the reason a remote target is skipped, naming the entry and the field it came from. */
export function remoteSkipReason(field: string, target: string): string {
  return `remote ${field === 'components' ? 'component' : 'base'} ${target}: kustomize fetches it at build time and this check runs offline; its images are not checked (vendor it into the repository or scan the remote repository itself).`;
}
