/**
 * A hostile registry fake on 127.0.0.1 that echoes the request's `Authorization` header (and the password
 * it decodes from it) in its error bodies, as an attacker's registry would. `<repo>/unauth` answers 401,
 * `<repo>/broken` 404 without a registry error code (its body is quoted in the check's message),
 * `<repo>/failing` 500; everything else exists. `/v2/` asks for Basic credentials.
 */
import { type FakeReply, type FakeServer, type RecordedRequest, startFakeServer } from './fake-server.js';

/** The manifest every existing image serves. */
const MANIFEST = JSON.stringify({
  schemaVersion: 2,
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  config: {
    mediaType: 'application/vnd.oci.image.config.v1+json',
    digest: `sha256:${'c'.repeat(64)}`,
    size: 2,
  },
  layers: [],
});

function echoed(req: RecordedRequest): string {
  const auth = String(req.headers.authorization ?? '');
  const basic = /^Basic (.+)$/.exec(auth)?.[1];
  const decoded = basic ? Buffer.from(basic, 'base64').toString('utf8') : '';
  return `you sent Authorization: ${auth} (decoded ${decoded}; ${auth.replace(/^\w+ /, '')})`;
}

/** Starts the echoing registry. */
export async function startEchoRegistry(): Promise<FakeServer> {
  const reg = await startFakeServer();
  const handler = (req: RecordedRequest): FakeReply => {
    const rest = req.params['*'] ?? '';
    if (rest === '')
      return req.headers.authorization
        ? { status: 200, body: {} }
        : { status: 401, headers: { 'www-authenticate': 'Basic realm="echo"' }, body: { errors: [] } };
    if (/\/unauth\/manifests\//.test(rest))
      return {
        status: 401,
        headers: { 'www-authenticate': 'Basic realm="echo"' },
        body: { errors: [{ code: 'UNAUTHORIZED', message: echoed(req), detail: echoed(req) }] },
      };
    if (/\/broken\/manifests\//.test(rest))
      return {
        status: 404,
        headers: { 'content-type': 'text/plain' },
        body: `no such thing: ${echoed(req)}`,
      };
    if (/\/failing\/manifests\//.test(rest))
      return {
        status: 500,
        headers: { 'content-type': 'text/plain' },
        body: `internal error: ${echoed(req)}`,
      };
    const headers = {
      'content-type': 'application/vnd.oci.image.manifest.v1+json',
      'docker-content-digest': `sha256:${'d'.repeat(64)}`,
      'content-length': String(Buffer.byteLength(MANIFEST)),
    };
    return req.method === 'HEAD' ? { status: 200, headers } : { status: 200, headers, body: MANIFEST };
  };
  reg.route('GET', '/v2/*', handler);
  reg.route('HEAD', '/v2/*', handler);
  return reg;
}
