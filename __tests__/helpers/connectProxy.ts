/**
 * A forward proxy on loopback, for HTTPS_PROXY / HTTP_PROXY. It maps whatever host the client
 * asks for (`registry.test:443`) to a local server through `route`: no DNS, no network but
 * loopback. https origins arrive as CONNECT tunnels, each recording whether the client spoke
 * TLS in it (first byte 0x16, a TLS handshake); plain-http origins arrive as absolute-form
 * requests (`GET http://host/…`, undici's way), forwarded and recorded too. So a test sees
 * how, and whether, the action reached a registry.
 */
import http from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';

export interface Tunnel {
  /** As asked for in `CONNECT host:port`. */
  readonly host: string;
  readonly port: number;
  /** Where it was sent (`127.0.0.1:PORT`), or undefined when refused. */
  readonly to?: string;
  /** true: a TLS handshake came first; false: plain bytes; undefined: nothing was sent. */
  tls?: boolean;
}

export interface PlainRequest {
  readonly method: string;
  /** Absolute, as the client sent it: `http://insecure.test:5000/v2/`. */
  readonly url: string;
  readonly to?: string;
  /** Whether the request carried Authorization (never its value). */
  readonly authorization: boolean;
}

export interface ConnectProxy {
  /** `http://127.0.0.1:PORT`, for HTTPS_PROXY / HTTP_PROXY. */
  readonly url: string;
  readonly tunnels: Tunnel[];
  /** Absolute-form (plain http) requests; forwarded when routed, else answered 403. */
  readonly plainRequests: PlainRequest[];
  /** Every tunnel and request, whatever its kind. */
  count(): number;
  close(): Promise<void>;
}

/** Maps `host:port` as the client named it to a loopback `127.0.0.1:PORT`; undefined refuses it (403). */
export type Route = (host: string, port: number) => string | undefined;

export async function startConnectProxy(route: Route): Promise<ConnectProxy> {
  const tunnels: Tunnel[] = [];
  const plainRequests: ConnectProxy['plainRequests'] = [];
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  };

  const server = http.createServer((req, res) => {
    let target: URL | undefined;
    try {
      target = new URL(req.url ?? '');
    } catch {
      // Not absolute-form: not a proxy request at all.
    }
    const to =
      target?.protocol === 'http:' ? route(target.hostname.replace(/^\[|\]$/g, ''), Number(target.port || 80)) : undefined;
    plainRequests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      to,
      authorization: req.headers.authorization !== undefined,
    });
    if (!target || !to) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('no route\n');
      return;
    }
    const [toHost, toPort] = to.split(':');
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    // The Host header stays the name the client used: the registry builds its URLs from it.
    const upstream = http.request(
      { host: toHost, port: Number(toPort), method: req.method, path: `${target.pathname}${target.search}`, headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  server.on('connection', track);

  server.on('connect', (req: http.IncomingMessage, client: Socket, head: Buffer) => {
    const m = /^(.+):(\d+)$/.exec(req.url ?? '');
    const host = m ? m[1].replace(/^\[|\]$/g, '') : (req.url ?? '');
    const port = m ? Number(m[2]) : 0;
    const to = m ? route(host, port) : undefined;
    const tunnel: Tunnel = { host, port, to };
    tunnels.push(tunnel);
    client.on('error', () => undefined);
    if (!to) {
      client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    const [toHost, toPort] = to.split(':');
    const upstream = net.connect(Number(toPort), toHost);
    track(upstream);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      const sniff = (first: Buffer) => {
        if (tunnel.tls === undefined && first.length > 0) tunnel.tls = first[0] === 0x16;
      };
      if (head.length > 0) {
        sniff(head);
        upstream.write(head);
      }
      client.once('data', sniff);
      client.pipe(upstream);
      upstream.pipe(client);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closed: Promise<void> | undefined;
  return {
    url,
    tunnels,
    plainRequests,
    count: () => tunnels.length + plainRequests.length,
    close: () =>
      (closed ??= new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      })),
  };
}
