/**
 * A plain HTTP forward proxy on loopback (absolute-form requests, as HTTP_PROXY clients send
 * them). It records every request it forwards, so tests can see what a run sent and where.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ProxiedRequest {
  readonly method: string;
  readonly url: string;
  readonly authorization: boolean;
}

export interface ForwardProxy {
  readonly url: string;
  readonly requests: ProxiedRequest[];
  close(): Promise<void>;
}

/**
 * `hosts` maps made-up names to loopback (`registry.test` → `127.0.0.1`): a registry reached by
 * a name is not loopback to the action, so it goes through the proxy, and no DNS is involved.
 */
export async function startForwardProxy(hosts: Record<string, string> = {}): Promise<ForwardProxy> {
  const requests: ProxiedRequest[] = [];
  const server = http.createServer((req, res) => {
    const target = new URL(req.url ?? '/');
    requests.push({ method: req.method ?? '', url: target.toString(), authorization: req.headers.authorization !== undefined });
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    const upstream = http.request(
      {
        host: hosts[target.hostname] ?? target.hostname,
        port: target.port,
        method: req.method,
        path: `${target.pathname}${target.search}`,
        headers,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  // HTTPS goes through CONNECT tunnels; this proxy records and refuses them (it only relays plain HTTP).
  server.on('connect', (req: http.IncomingMessage, socket: import('node:net').Socket) => {
    requests.push({ method: 'CONNECT', url: req.url ?? '', authorization: req.headers.authorization !== undefined });
    socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Requests that change a registry: anything but GET, HEAD and CONNECT. */
export function writes(requests: readonly ProxiedRequest[]): ProxiedRequest[] {
  // CONNECT asks the proxy for a tunnel (the HTTPS attempt before plain HTTP): no registry request.
  return requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD' && r.method !== 'CONNECT');
}
