/**
 * OriginRouter against real local TLS servers: an HTTP/2 one (ALPN h2, HTTP/1.1 allowed too,
 * as Go's servers are) and an HTTP/1.1-only one.
 */
import { promises as fs } from 'node:fs';
import http2 from 'node:http2';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import { Agent, type Dispatcher } from 'undici';
import { type BulkOption, OriginRouter } from '../src/transport/origins';
import { Preconnections } from '../src/transport/preconnect';
import { selfSignedCert } from './helpers/tokenServer';

let dir: string;
let cert: { keyPem: string; certPem: string };
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'origins-'));
  cert = await selfSignedCert(dir, 'server', '/CN=127.0.0.1', '127.0.0.1');
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

interface Server {
  readonly origin: string;
  /** Protocol of each TLS connection accepted. */
  readonly connections: string[];
  /** The most requests the server was answering at once. */
  readonly peak: () => number;
  /** Every TCP connection accepted, TLS or not. */
  readonly tcp: Socket[];
  close(): Promise<void>;
}

async function start(h2: boolean): Promise<Server> {
  const connections: string[] = [];
  const tcp: Socket[] = [];
  let active = 0;
  let peak = 0;
  const answer = (
    req: http2.Http2ServerRequest | http.IncomingMessage,
    res: { writeHead(s: number): unknown; end(b: string): unknown },
  ) => {
    peak = Math.max(peak, ++active);
    req.resume();
    setTimeout(() => {
      active--;
      res.writeHead(200);
      res.end(`${req.method} ${req.url} ${req.httpVersion}`);
    }, 10);
  };
  const server = h2
    ? http2.createSecureServer({ key: cert.keyPem, cert: cert.certPem, allowHTTP1: true }, answer)
    : https.createServer({ key: cert.keyPem, cert: cert.certPem }, answer);
  server.on('secureConnection', (s: TLSSocket) => connections.push(s.alpnProtocol || 'none'));
  server.on('connection', (s: Socket) => tcp.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    connections,
    peak: () => peak,
    tcp,
    close: () =>
      new Promise<void>((r) => {
        (server as https.Server).closeAllConnections?.();
        server.close(() => r());
      }),
  };
}

const options = (ca: string) => ({
  connectTimeoutMs: 2000,
  headersTimeoutMs: 2000,
  bodyTimeoutMs: 2000,
  keepAliveTimeoutMs: 2000,
  tls: { ca },
});

async function burst(router: OriginRouter, origin: string, n: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const res = await router.request({ origin, path: `/${i}`, method: i % 3 === 0 ? 'HEAD' : 'GET' });
      return `${res.statusCode} ${await res.body.text()}`;
    }),
  );
}

describe('OriginRouter', () => {
  it('carries a burst of requests on one HTTP/2 connection, the handshake made before the first request', async () => {
    const server = await start(true);
    const router = new OriginRouter(options(cert.certPem), new Agent());
    try {
      router.preconnect(server.origin);
      const answers = await burst(router, server.origin, 60);
      expect(answers[1]).toBe('200 GET /1 2.0');
      expect(answers.filter((a) => a.endsWith(' 2.0') || a === '200 ')).toHaveLength(60);
      expect(server.connections).toEqual(['h2']);
      expect(await router.protocol(server.origin)).toBe('h2');
    } finally {
      await router.destroy();
      await server.close();
    }
  });

  it('runs writes side by side on HTTP/2, and sends a streamed upload and a bulk download over HTTP/1.1', async () => {
    const server = await start(true);
    const router = new OriginRouter(options(cert.certPem), new Agent());
    try {
      const posts = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const res = await router.request({ origin: server.origin, path: `/p${i}`, method: 'POST', idempotent: true });
          return res.body.text();
        }),
      );
      expect(posts[0]).toBe('POST /p0 2.0');
      expect(server.peak()).toBeGreaterThan(1);

      const upload = await router.request({
        origin: server.origin,
        path: '/upload',
        method: 'PUT',
        body: Readable.from([Buffer.from('blob bytes')]),
        idempotent: true,
      });
      expect(await upload.body.text()).toBe('PUT /upload 1.1');
      expect(server.connections).toEqual(['h2', 'http/1.1']);

      // A blob download marked bulk takes the HTTP/1.1 pool too; an unmarked GET stays on HTTP/2.
      const bulk: Dispatcher.RequestOptions & BulkOption = { origin: server.origin, path: '/blob', method: 'GET', bulk: true };
      expect(await (await router.request(bulk)).body.text()).toBe('GET /blob 1.1');
      const shared: Dispatcher.RequestOptions & BulkOption = { ...bulk, bulk: false };
      expect(await (await router.request(shared)).body.text()).toBe('GET /blob 2.0');
    } finally {
      await router.destroy();
      await server.close();
    }
  });

  it('keeps HTTP/1.1 where the server offers nothing else, on a pool whose first connection is the handshake', async () => {
    const server = await start(false);
    const router = new OriginRouter(options(cert.certPem), new Agent());
    try {
      const answers = await burst(router, server.origin, 6);
      expect(answers[1]).toBe('200 GET /1 1.1');
      expect(await router.protocol(server.origin)).toBe('http/1.1');
      expect(server.connections.every((p) => p === 'http/1.1')).toBe(true);
      // Six at once on HTTP/1.1 need six connections; the handshake's was the first of them.
      expect(server.connections).toHaveLength(6);
    } finally {
      await router.destroy();
      await server.close();
    }
  });

  it('on HTTP/1.1 secures the connections beside the handshake with it, one per request in flight, kept for chains of requests', async () => {
    const server = await start(false);
    const router = new OriginRouter(options(cert.certPem), new Agent());
    try {
      router.preconnect(server.origin, 2);
      // The handshake and the two beside it, opened and secured before any request.
      for (let i = 0; i < 100 && server.connections.length < 3; i++) await new Promise((r) => setTimeout(r, 10));
      expect(server.tcp).toHaveLength(3);
      expect(server.connections).toEqual(['http/1.1', 'http/1.1', 'http/1.1']);
      // Three chains of four requests, each sent as the one before it is answered: three in
      // flight at most, so three connections, the ones opened early (undici takes a connection
      // back only a turn of the event loop after its answer: the next request waits for it).
      await Promise.all(
        [0, 1, 2].map(async (chain) => {
          for (let i = 0; i < 4; i++) {
            const res = await router.request({ origin: server.origin, path: `/${chain}/${i}`, method: 'GET' });
            expect(await res.body.text()).toBe(`GET /${chain}/${i} 1.1`);
          }
        }),
      );
      expect(server.tcp).toHaveLength(3);
      expect(server.connections).toEqual(['http/1.1', 'http/1.1', 'http/1.1']);
      expect(router.connectionsUsed()).toEqual([
        { origin: server.origin, transport: 'HTTP/1.1', connections: 3, unused: 0, mostInFlight: 3 },
      ]);
    } finally {
      await router.destroy();
      await server.close();
    }
  });

  it('on HTTP/1.1 starts TLS on the connections beside the handshake past the first two when a request takes them', async () => {
    const server = await start(false);
    const router = new OriginRouter(options(cert.certPem), new Agent());
    try {
      router.preconnect(server.origin, 4);
      // Five opened at once; the handshake and two beside it secured before any request.
      for (let i = 0; i < 100 && (server.tcp.length < 5 || server.connections.length < 3); i++) {
        await new Promise((r) => setTimeout(r, 10));
      }
      await new Promise((r) => setTimeout(r, 50));
      expect(server.tcp).toHaveLength(5);
      expect(server.connections).toHaveLength(3);
      const answers = await burst(router, server.origin, 5);
      expect(answers.every((a) => a.endsWith(' 1.1') || a === '200 ')).toBe(true);
      // The five requests went out on those five: TLS started on the other two, none opened.
      expect(server.tcp).toHaveLength(5);
      expect(server.connections).toEqual(['http/1.1', 'http/1.1', 'http/1.1', 'http/1.1', 'http/1.1']);
      expect(router.connectionsUsed()).toEqual([
        { origin: server.origin, transport: 'HTTP/1.1', connections: 5, unused: 0, mostInFlight: 5 },
      ]);
    } finally {
      await router.destroy();
      await server.close();
    }
  });

  it('on HTTP/2 closes the connections beside the handshake unused, and says so', async () => {
    const server = await start(true);
    const router = new OriginRouter(options(cert.certPem), new Agent());
    try {
      router.preconnect(server.origin, 2);
      expect(await burst(router, server.origin, 4)).toHaveLength(4);
      // They offered HTTP/1.1 only (a pool could not use an h2 one); the handshake's is h2.
      expect([...server.connections].sort()).toEqual(['h2', 'http/1.1', 'http/1.1']);
      expect(router.connectionsUsed()).toEqual([
        { origin: server.origin, transport: 'HTTP/2', connections: 1, unused: 2, mostInFlight: 4 },
      ]);
      for (let i = 0; i < 100 && server.tcp.filter((t) => !t.destroyed).length > 1; i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(server.tcp.filter((t) => !t.destroyed)).toHaveLength(1);
    } finally {
      await router.destroy();
      await server.close();
    }
  });

  it('leaves an origin whose handshake fails to the fallback, whose own attempt reports the failure', async () => {
    const server = await start(true);
    // Not trusted: no CA given, and the fallback verifies as usual.
    const router = new OriginRouter({ ...options(cert.certPem), tls: {} }, new Agent());
    try {
      await expect(router.request({ origin: server.origin, path: '/', method: 'GET' })).rejects.toMatchObject({
        code: expect.stringMatching(/SELF_SIGNED|UNABLE_TO_VERIFY|CERT/),
      });
      expect(await router.protocol(server.origin)).toBe('http/1.1');
    } finally {
      await router.destroy();
      await server.close();
    }
  });

  it('sends plain-HTTP origins to the fallback without a handshake', async () => {
    const seen: string[] = [];
    const fallback = new Agent();
    const original = fallback.dispatch.bind(fallback);
    fallback.dispatch = (opts, handler) => {
      seen.push(String(opts.origin));
      return original(opts, handler);
    };
    const router = new OriginRouter(options(cert.certPem), fallback);
    const server = http.createServer((_req, res) => res.end('plain'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const res = await router.request({ origin, path: '/', method: 'GET' });
      expect(await res.body.text()).toBe('plain');
      expect(seen).toEqual([origin]);
      expect(await router.protocol(origin)).toBe('http/1.1');
    } finally {
      await router.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('opens plain connections beside the handshake, and a server that does not speak TLS gets its requests on them', async () => {
    const accepted: Array<Socket> = [];
    const server = http.createServer((req, res) => res.end(`plain ${req.url}`));
    server.on('connection', (s) => accepted.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const fallback = new Agent();
    const router = new OriginRouter(options(cert.certPem), fallback);
    try {
      router.preconnect(`https://${host}`);
      router.preconnectPlain(`http://${host}`, 3);
      // The TLS attempt fails (a plain server answers it with a 400 and closes).
      expect(await router.handshakeFailure(`https://${host}`)).toBeDefined();
      // The TLS attempt's connection and the three plain ones.
      for (let i = 0; i < 100 && accepted.length < 4; i++) await new Promise((r) => setTimeout(r, 10));
      expect(accepted).toHaveLength(4);
      const answers = await Promise.all(
        [0, 1, 2].map(async (i) =>
          (await router.request({ origin: `http://${host}`, path: `/${i}`, method: 'GET' })).body.text(),
        ),
      );
      expect(answers).toEqual(['plain /0', 'plain /1', 'plain /2']);
      // No connection was opened for the requests: they went out on the warm ones.
      expect(accepted).toHaveLength(4);
    } finally {
      await router.destroy();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('closes the plain connections unused when the host speaks TLS', async () => {
    const server = await start(true);
    const host = new URL(server.origin).host;
    const router = new OriginRouter(options(cert.certPem), new Agent());
    try {
      router.preconnect(server.origin);
      router.preconnectPlain(`http://${host}`, 4);
      expect(await router.handshakeFailure(server.origin)).toBeUndefined();
      expect(await burst(router, server.origin, 3)).toHaveLength(3);
      expect(server.connections).toEqual(['h2']);
      // The TLS connection and the four plain ones; the plain ones are closed, the TLS one is not.
      for (let i = 0; i < 100 && server.tcp.filter((t) => t.destroyed).length < 4; i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(server.tcp).toHaveLength(5);
      expect(server.tcp.filter((t) => t.destroyed)).toHaveLength(4);
    } finally {
      await router.destroy();
      await server.close();
    }
  });
});

describe('OriginRouter with connections opened before it (Preconnections)', () => {
  const at = (origin: string, repository: string) => ({ registry: new URL(origin).host, repository });

  it('adopts the handshake and the plain connections the front end opened, and opens none of its own', async () => {
    const server = await start(true);
    const host = new URL(server.origin).host;
    const inputs = { sources: [at(server.origin, 'a'), at(server.origin, 'b')], targets: [at(server.origin, 'out')] };
    const preconnected = Preconnections.open({ ...inputs, insecureRegistries: new Set() }, {}, { ca: cert.certPem });
    // Opened at once, before any router exists: one TLS connection and, beside it, one for each
    // other request of the first burst (two sources, one target), and the host being loopback
    // the whole burst's over plain HTTP.
    for (let i = 0; i < 100 && server.tcp.length < 6; i++) await new Promise((r) => setTimeout(r, 10));
    expect(server.tcp).toHaveLength(1 + 2 + 3);
    const router = new OriginRouter({ ...options(cert.certPem), preconnected }, new Agent());
    try {
      router.preconnect(server.origin, 2);
      router.preconnectPlain(`http://${host}`, 3);
      expect(await burst(router, server.origin, 5)).toHaveLength(5);
      // Everything went over the adopted handshake: no connection was opened again, and HTTP/2
      // closed those beside it unused.
      expect([...server.connections].sort()).toEqual(['h2', 'http/1.1', 'http/1.1']);
      expect(server.tcp).toHaveLength(6);
      expect(preconnected.takeHandshake(server.origin)).toBeUndefined();
      expect(preconnected.takeSpare(server.origin)).toBeUndefined();
      expect(preconnected.takePlain(`http://${host}`)).toBeUndefined();
      expect(router.connectionsUsed().sort((a, b) => a.origin.localeCompare(b.origin))).toEqual([
        { origin: `http://${host}`, transport: 'plain HTTP/1.1', connections: 0, unused: 3, mostInFlight: 0 },
        { origin: server.origin, transport: 'HTTP/2', connections: 1, unused: 2, mostInFlight: 5 },
      ]);
      for (let i = 0; i < 100 && server.tcp.filter((t) => !t.destroyed).length > 1; i++)
        await new Promise((r) => setTimeout(r, 10));
      expect(server.tcp.filter((t) => !t.destroyed)).toHaveLength(1);
    } finally {
      preconnected.discard();
      await router.destroy();
      await server.close();
    }
  });

  it('opens nothing when HTTPS goes through a proxy, and closes what no router took', async () => {
    const server = await start(true);
    const inputs = {
      sources: [at(server.origin, 'a')],
      targets: [at(server.origin, 'out')],
      insecureRegistries: new Set<string>(),
    };
    const proxied = Preconnections.open(inputs, { HTTPS_PROXY: 'http://proxy.test:3128' }, { ca: cert.certPem });
    expect(proxied.takeHandshake(server.origin)).toBeUndefined();
    const opened = Preconnections.open(inputs, {}, { ca: cert.certPem });
    try {
      for (let i = 0; i < 100 && server.connections.length < 1; i++) await new Promise((r) => setTimeout(r, 10));
      opened.discard();
      for (let i = 0; i < 100 && server.tcp.some((t) => !t.destroyed); i++) await new Promise((r) => setTimeout(r, 10));
      expect(server.tcp.length).toBeGreaterThan(0);
      expect(server.tcp.filter((t) => !t.destroyed)).toHaveLength(0);
    } finally {
      await server.close();
    }
  });
});
