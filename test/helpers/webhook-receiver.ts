/** A webhook receiver on 127.0.0.1 that records every request and answers with a chosen status. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the receiver got. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A running receiver. */
export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  host: string;
  requests: ReceivedRequest[];
  /** Parsed JSON bodies of the requests. */
  bodies<T = Record<string, unknown>>(): T[];
  close(): Promise<void>;
}

/**
 * Starts a receiver. `answer` picks the status (headers, delay) per request, by index; default 200 at once.
 */
export async function startReceiver(
  answer: (index: number) => { status: number; headers?: Record<string, string>; delayMs?: number } = () => ({
    status: 200,
  }),
): Promise<WebhookReceiver> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString('utf8');
    });
    req.on('end', () => {
      const index = requests.length;
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      const a = answer(index);
      setTimeout(() => {
        res.writeHead(a.status, a.headers ?? {});
        res.end(a.status < 300 ? 'ok' : 'no');
      }, a.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    bodies: <T>() => requests.map((r) => JSON.parse(r.body) as T),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
