/**
 * A small forward HTTP proxy on 127.0.0.1 in front of one upstream (the fake GitHub): it takes the
 * absolute-form request lines a client sends to a proxy (`GET http://api.host/path HTTP/1.1`), records them
 * and forwards each to the upstream, whatever host the URL named. A client that ignores the proxy never gets
 * here; the tests point the API URL at a closed loopback port, so such a client fails loudly.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  method: string;
  /** The absolute URL the client asked the proxy for. */
  url: string;
  authorization: string | undefined;
}

export interface HttpProxy {
  /** `http://127.0.0.1:PORT`, for `HTTP_PROXY`/`HTTPS_PROXY`. */
  url: string;
  requests: ProxiedRequest[];
  close(): Promise<void>;
}

/** Starts the proxy in front of `upstream` (`http://127.0.0.1:PORT`). */
export async function startHttpProxy(upstream: string): Promise<HttpProxy> {
  const target = new URL(upstream);
  const requests: ProxiedRequest[] = [];
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push({ method: req.method ?? 'GET', url, authorization: req.headers.authorization });
    if (!/^https?:\/\//.test(url)) {
      // Origin-form: the client talked to us as if we were the API, not a proxy.
      res.writeHead(400).end('not a proxy request');
      return;
    }
    const { pathname, search } = new URL(url);
    const out = request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: pathname + search,
        headers: { ...req.headers, host: target.host },
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.writeHead(502).end());
    req.pipe(out);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
