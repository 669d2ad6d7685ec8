import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { Agent } from 'undici';
import { baseSend, createDispatcher, describeTransportError, noProxyList, readBody, TransportError } from '../src/transport/http';

const url = new URL('https://registry.test/v2/app/manifests/1');
const failure = (code: string, message = code, cause?: unknown) => Object.assign(new Error(message, { cause }), { code });

describe('describeTransportError', () => {
  it.each([
    'DEPTH_ZERO_SELF_SIGNED_CERT',
    'SELF_SIGNED_CERT_IN_CHAIN',
    'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
    'CERT_HAS_EXPIRED',
    'ERR_TLS_CERT_ALTNAME_INVALID',
  ])('explains %s as an untrusted certificate, what to do, and does not retry it', (code) => {
    const err = describeTransportError(failure(code, 'self-signed certificate'), url);
    expect(err).toBeInstanceOf(TransportError);
    expect(err.message).toMatch(/^the TLS certificate of registry\.test is not trusted \(self-signed certificate\)/);
    expect(err.message).toContain('NODE_EXTRA_CA_CERTS');
    expect(err.message).toContain('insecure-registries');
    expect(err.retriable).toBe(false);
  });

  it('looks inside the error a proxy tunnel wraps a TLS failure in', () => {
    const inner = failure('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames");
    const err = describeTransportError(failure('UND_ERR_PRX_TLS', 'TLS error', inner), url);
    expect(err.code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(err.message).toContain("does not match certificate's altnames");
  });

  it('sends a stream the HTTP/2 server refused again, and no other stream error', () => {
    const refused = describeTransportError(
      failure('ERR_HTTP2_STREAM_ERROR', 'Stream closed with error code NGHTTP2_REFUSED_STREAM'),
      url,
    );
    expect(refused.retriable).toBe(true);
    expect(refused.message).toContain('NGHTTP2_REFUSED_STREAM');
    const other = describeTransportError(
      failure('ERR_HTTP2_STREAM_ERROR', 'Stream closed with error code NGHTTP2_PROTOCOL_ERROR'),
      url,
    );
    expect(other.retriable).toBe(false);
  });

  it('tells a plain HTTP server apart from a TLS one', () => {
    const err = describeTransportError(failure('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'), url);
    expect(err.message).toMatch(/registry\.test did not answer TLS.*list it in insecure-registries/);
    expect(err.retriable).toBe(false);
  });

  it.each([
    ['ECONNREFUSED', /cannot connect to https:\/\/registry\.test: connection refused/, true],
    ['ENOTFOUND', /cannot resolve the host name/, false],
    ['UND_ERR_HEADERS_TIMEOUT', /did not answer in time/, true],
    ['UND_ERR_BODY_TIMEOUT', /stopped sending the response body/, true],
    ['UND_ERR_SOCKET', /the connection to https:\/\/registry\.test broke/, true],
    ['ECONNRESET', /broke/, true],
    ['UND_ERR_CLOSED', /registry\.test/, false],
  ])('%s', (code, message, retriable) => {
    const err = describeTransportError(failure(code), url);
    expect(err.message).toMatch(message);
    expect(err.retriable).toBe(retriable);
  });
});

describe('noProxyList', () => {
  it('keeps the user list and always adds loopback, the run’s loopback registries included', () => {
    expect(noProxyList('corp.example, .internal', ['127.0.0.2:5000', '[::1]:5000']).split(',')).toEqual([
      'corp.example',
      '.internal',
      'localhost',
      '127.0.0.1',
      '[::1]',
      '127.0.0.2',
    ]);
    expect(noProxyList(undefined, [])).toBe('localhost,127.0.0.1,[::1]');
  });

  it('leaves a bare wildcard alone (undici only honours "*" on its own)', () => {
    expect(noProxyList(' * ', ['127.0.0.2:1'])).toBe('*');
  });
});

/** A loopback server answering with `handler`; closed after each test. */
async function serve(handler: http.RequestListener): Promise<{ origin: string; close(): Promise<void> }> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('baseSend and readBody', () => {
  const agent = new Agent({ headersTimeout: 300, bodyTimeout: 300 });
  afterAll(() => agent.close());

  it('maps a refused connection to a TransportError naming the host, and closes the stream it was sending', async () => {
    const dead = await serve(() => undefined);
    await dead.close();
    const body = Readable.from(['x']);
    const err = await baseSend(agent)({ method: 'PUT', url: new URL(`${dead.origin}/v2/`), body: () => body }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TransportError);
    expect((err as TransportError).message).toContain(`cannot connect to ${dead.origin}`);
    expect((err as TransportError).retriable).toBe(true);
    expect(body.destroyed).toBe(true);
  });

  it('turns a body that breaks off, or stalls, into a retriable TransportError', async () => {
    const server = await serve((req, res) => {
      res.writeHead(200, { 'content-length': '100' });
      res.write('x'.repeat(10));
      if (req.url === '/cut') setTimeout(() => res.socket?.destroy(), 20);
    });
    try {
      for (const path of ['/cut', '/stall']) {
        const res = await baseSend(agent)({ method: 'GET', url: new URL(`${server.origin}${path}`) });
        const err = await readBody(res, 1000).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(TransportError);
        expect((err as TransportError).retriable).toBe(true);
        expect((err as TransportError).message).toMatch(path === '/cut' ? /broke/ : /stopped sending/);
      }
    } finally {
      await server.close();
    }
  });

  it('passes the errors of our own body streams through unchanged', async () => {
    const server = await serve((req) => req.on('data', () => undefined));
    const mine = new Error('the blob hashes to something else');
    const body = new Readable({ read() {} });
    body.push('partial');
    setTimeout(() => body.destroy(mine), 20);
    try {
      await expect(
        baseSend(agent)({
          method: 'PUT',
          url: new URL(`${server.origin}/up`),
          headers: { 'content-length': '100' },
          body: () => body,
        }),
      ).rejects.toBe(mine);
    } finally {
      await server.close();
    }
  });
});

describe('createDispatcher', () => {
  const saved = {
    HTTP_PROXY: process.env.HTTP_PROXY,
    NO_PROXY: process.env.NO_PROXY,
    http_proxy: process.env.http_proxy,
    no_proxy: process.env.no_proxy,
  };
  afterEach(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('reaches loopback registries directly even when a proxy is set and NO_PROXY is empty; others through it', async () => {
    // What reached the proxy: absolute-form requests (http) and CONNECTs (https) alike.
    const tunnels: string[] = [];
    const proxy = http.createServer((req, res) => {
      tunnels.push(new URL(req.url ?? '').host);
      res.writeHead(502).end();
    });
    proxy.on('connect', (req: http.IncomingMessage, socket: import('node:net').Socket) => {
      tunnels.push(req.url ?? '');
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const registry = await serve((_req, res) => res.end('direct'));
    delete process.env.http_proxy;
    delete process.env.no_proxy;
    process.env.HTTP_PROXY = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    process.env.NO_PROXY = '';
    const dispatcher = createDispatcher({ loopbackHosts: [] });
    try {
      const res = await baseSend(dispatcher)({ method: 'GET', url: new URL(`${registry.origin}/v2/`) });
      expect(res.status).toBe(200);
      expect((await readBody(res, 100)).toString()).toBe('direct');
      expect(tunnels).toEqual([]);
      const elsewhere = await baseSend(dispatcher)({ method: 'GET', url: new URL('http://registry.test:5000/v2/') }).catch(
        (e: unknown) => e,
      );
      expect((elsewhere as { status: number }).status).toBe(502);
      expect(tunnels).toEqual(['registry.test:5000']);
    } finally {
      await dispatcher.close();
      await registry.close();
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });
});

describe('describeTransportError messages', () => {
  it("drops OpenSSL's prefix and source location, keeping the reason", () => {
    const openssl = failure(
      'ERR_SSL_WRONG_VERSION_NUMBER',
      '804CA291BA7F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n',
    );
    expect(describeTransportError(openssl, url).message).toBe(
      'registry.test did not answer TLS (wrong version number): if it serves plain HTTP, list it in insecure-registries',
    );
    const withReason = Object.assign(failure('EPROTO', '80:error:long'), { reason: 'wrong version number' });
    expect(describeTransportError(withReason, url).message).toContain('(wrong version number)');
  });
});

describe('baseSend deadline', () => {
  it('gives up on a proxy that accepts the connection but never answers its CONNECT', async () => {
    const silent = net.createServer((socket) => socket.on('data', () => undefined));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    const saved = process.env.HTTPS_PROXY;
    try {
      process.env.HTTPS_PROXY = `http://127.0.0.1:${port}`;
      const proxied = createDispatcher({ timeouts: { headersMs: 200, bodyMs: 200, connectMs: 200 } });
      const started = Date.now();
      await expect(baseSend(proxied, 400)({ method: 'GET', url: new URL('https://registry.test/v2/') })).rejects.toThrow(
        /did not answer in time/,
      );
      expect(Date.now() - started).toBeLessThan(5000);
      await proxied.destroy();
    } finally {
      if (saved === undefined) delete process.env.HTTPS_PROXY;
      else process.env.HTTPS_PROXY = saved;
      silent.close();
    }
  });
});

describe('describeTransportError: an answer that is not HTTP', () => {
  it("undici's parser error (no code of its own) reads as a server that does not speak HTTP, not worth another attempt", () => {
    const parser = Object.assign(new Error('Response does not match the HTTP/1.1 protocol (Expected HTTP/, RTSP/ or ICE/)'), {
      name: 'HTTPParserError',
    });
    const err = describeTransportError(parser, new URL('http://127.0.0.1:2222/v2/'));
    expect(err.code).toBe('HPE_NOT_HTTP');
    expect(err.retriable).toBe(false);
    expect(err.message).toBe(
      'http://127.0.0.1:2222 does not speak HTTP (Response does not match the HTTP/1.1 protocol (Expected HTTP/, RTSP/ or ICE/))',
    );
  });
});
