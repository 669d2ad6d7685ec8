/**
 * HTTPS first, plain HTTP only when a loopback or listed server does not speak TLS (design
 * rule 14). The decision logic against scripted answers, then the whole layer over real sockets:
 * a TLS server (self-signed, trusted by the test's agent) and a plain one.
 */
import { promises as fs } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Agent } from 'undici';
import { baseSend, type HttpRequest, type HttpResponse, type Send, TransportError } from '../src/transport/http';
import { OriginRouter } from '../src/transport/origins';
import { SchemeProbe, tlsVerdict } from '../src/transport/scheme';
import { selfSignedCert } from './helpers/tokenServer';

const LOOPBACK = '127.0.0.1:5000';
const get = (url: string): HttpRequest => ({ method: 'GET', url: new URL(url) });
const fail = (code: string, message = code) => new TransportError(message, LOOPBACK, code, false);
const ok = (req: HttpRequest): HttpResponse => ({ status: 200, headers: {}, body: undefined as never, url: req.url });

/** A scripted transport: answers each request by its URL's scheme, and records what was sent. */
function scripted(answer: (req: HttpRequest) => HttpResponse | Error | Promise<HttpResponse | Error>) {
  const sent: string[] = [];
  const send: Send = async (req) => {
    sent.push(req.url.href);
    const a = await answer(req);
    if (a instanceof Error) throw a;
    return a;
  };
  return { sent, send };
}

const probeFor = () => new SchemeProbe((host) => host === LOOPBACK);

describe('tlsVerdict', () => {
  it.each([
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'not TLS'],
    ['ERR_SSL_PACKET_LENGTH_TOO_LONG', 'not TLS'],
    ['EPROTO', 'not TLS'],
    ['ECONNRESET', 'not TLS'],
    ['UND_ERR_SOCKET', 'not TLS'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'TLS'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'TLS'],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'TLS'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'TLS'],
    ['CERT_HAS_EXPIRED', 'TLS'],
    ['ECONNREFUSED', undefined],
    ['UND_ERR_CONNECT_TIMEOUT', undefined],
    ['UND_ERR_HEADERS_TIMEOUT', undefined],
  ])('%s → %s', (code, verdict) => {
    expect(tlsVerdict(fail(code))).toBe(verdict);
  });

  it('takes a proxy that will not tunnel to the host as no TLS route', () => {
    expect(tlsVerdict(fail('UND_ERR_ABORTED', 'cannot reach https://r: Proxy response (403) !== 200 when HTTP Tunneling'))).toBe(
      'not TLS',
    );
    expect(tlsVerdict(fail('UND_ERR_ABORTED', 'Request aborted'))).toBeUndefined();
  });

  it('reads OpenSSL’s reason when the code is generic, and says nothing of other errors', () => {
    expect(tlsVerdict(fail('ERR_SOMETHING', 'ssl3_get_record:wrong version number'))).toBe('not TLS');
    expect(tlsVerdict(new Error('wrong version number'))).toBeUndefined();
  });
});

describe('SchemeProbe.layer', () => {
  it('falls back to plain HTTP once, when the first answer is not TLS, and stays there', async () => {
    const t = scripted((req) => (req.url.protocol === 'https:' ? fail('ERR_SSL_WRONG_VERSION_NUMBER') : ok(req)));
    const probe = probeFor();
    const send = probe.layer(t.send);
    const first = await send(get(`https://${LOOPBACK}/v2/a/manifests/1`));
    expect(first.url.href).toBe(`http://${LOOPBACK}/v2/a/manifests/1`);
    await send(get(`https://${LOOPBACK}/v2/b/manifests/1?x=1`));
    expect(t.sent).toEqual([
      `https://${LOOPBACK}/v2/a/manifests/1`,
      `http://${LOOPBACK}/v2/a/manifests/1`,
      `http://${LOOPBACK}/v2/b/manifests/1?x=1`,
    ]);
    expect(probe.schemeOf(LOOPBACK)).toBe('http:');
  });

  it('holds the requests sent while the first one probes, then sends them as it decided', async () => {
    let answerProbe: (a: Error) => void = () => undefined;
    const t = scripted((req) => (t.sent.length === 1 ? new Promise<Error>((resolve) => (answerProbe = resolve)) : ok(req)));
    const send = probeFor().layer(t.send);
    const all = Promise.all([1, 2, 3].map((i) => send(get(`https://${LOOPBACK}/v2/r${i}/manifests/1`))));
    await new Promise((r) => setTimeout(r, 20));
    expect(t.sent).toEqual([`https://${LOOPBACK}/v2/r1/manifests/1`]);
    answerProbe(fail('ECONNRESET'));
    await all;
    expect(t.sent.slice(1).sort()).toEqual([1, 2, 3].map((i) => `http://${LOOPBACK}/v2/r${i}/manifests/1`));
  });

  it('never falls back for a certificate error: TLS is spoken, the error stands', async () => {
    const t = scripted((req) => (req.url.protocol === 'https:' ? fail('DEPTH_ZERO_SELF_SIGNED_CERT') : ok(req)));
    const probe = probeFor();
    const send = probe.layer(t.send);
    await expect(send(get(`https://${LOOPBACK}/v2/`))).rejects.toThrow('DEPTH_ZERO_SELF_SIGNED_CERT');
    await expect(send(get(`https://${LOOPBACK}/v2/`))).rejects.toThrow('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(t.sent).toEqual([`https://${LOOPBACK}/v2/`, `https://${LOOPBACK}/v2/`]);
    expect(probe.schemeOf(LOOPBACK)).toBe('https:');
  });

  it('decides nothing on an error that says nothing of TLS: the next request probes again', async () => {
    let refuse = true;
    const t = scripted((req) => (refuse ? fail('ECONNREFUSED') : req.url.protocol === 'https:' ? ok(req) : fail('EPROTO')));
    const probe = probeFor();
    const send = probe.layer(t.send);
    await expect(send(get(`https://${LOOPBACK}/v2/`))).rejects.toThrow('ECONNREFUSED');
    expect(probe.schemeOf(LOOPBACK)).toBeUndefined();
    refuse = false;
    await send(get(`https://${LOOPBACK}/v2/`));
    expect(probe.schemeOf(LOOPBACK)).toBe('https:');
    expect(t.sent).toEqual([`https://${LOOPBACK}/v2/`, `https://${LOOPBACK}/v2/`]);
  });

  it('never falls back for a host that is neither loopback nor listed (design rule 14)', async () => {
    const t = scripted(() => fail('ERR_SSL_WRONG_VERSION_NUMBER'));
    const send = probeFor().layer(t.send);
    await expect(send(get('https://ghcr.io/v2/'))).rejects.toThrow('ERR_SSL_WRONG_VERSION_NUMBER');
    expect(t.sent).toEqual(['https://ghcr.io/v2/']);
  });

  it('leaves plain-HTTP URLs as they are (a token realm, an upload location)', async () => {
    const t = scripted(ok);
    const send = probeFor().layer(t.send);
    await send(get(`http://${LOOPBACK}/token`));
    expect(t.sent).toEqual([`http://${LOOPBACK}/token`]);
  });
});

describe('SchemeProbe.layer: reads sent ahead while the early handshake decides', () => {
  /** A probe whose early handshake ends when the test says, with the failure given (undefined: TLS). */
  function early() {
    let end: (failure: unknown) => void = () => undefined;
    const outcome = new Promise<unknown>((resolve) => (end = resolve));
    const logged: string[] = [];
    const probe = new SchemeProbe((host) => host === LOOPBACK, {
      handshakeFailure: () => outcome,
      aheadHosts: new Set([LOOPBACK]),
      log: (m) => logged.push(m),
    });
    return { probe, end, logged };
  }
  const settle = () => new Promise((r) => setTimeout(r, 10));
  /** An answer whose body the layer may read or set aside (dump). */
  const answer = (req: HttpRequest, dumped: string[]): HttpResponse => ({
    status: req.url.protocol === 'https:' ? 200 : 400,
    headers: {},
    body: { dump: async () => void dumped.push(req.url.href) } as never,
    url: req.url,
  });

  it('uses the plain answers when the handshake says the server does not speak TLS: each read sent once', async () => {
    const { probe, end } = early();
    const t = scripted(ok);
    const send = probe.layer(t.send);
    const all = Promise.all([1, 2].map((i) => send(get(`https://${LOOPBACK}/v2/r${i}/manifests/1`))));
    await settle();
    // Out before the decision, over plain HTTP.
    expect(t.sent).toEqual([1, 2].map((i) => `http://${LOOPBACK}/v2/r${i}/manifests/1`));
    end(fail('ERR_SSL_WRONG_VERSION_NUMBER'));
    const answers = await all;
    expect(answers.map((a) => a.url.protocol)).toEqual(['http:', 'http:']);
    expect(t.sent).toHaveLength(2);
    expect(probe.schemeOf(LOOPBACK)).toBe('http:');
  });

  it('sets the plain answers aside unread when the server speaks TLS, sends the reads over HTTPS, and says so', async () => {
    const { probe, end, logged } = early();
    const dumped: string[] = [];
    const t = scripted((req) => answer(req, dumped));
    const send = probe.layer(t.send);
    const all = Promise.all([1, 2].map((i) => send(get(`https://${LOOPBACK}/v2/r${i}/manifests/1`))));
    await settle();
    end(undefined);
    const answers = await all;
    expect(answers.map((a) => `${a.status} ${a.url.protocol}`)).toEqual(['200 https:', '200 https:']);
    expect(t.sent).toEqual([
      ...[1, 2].map((i) => `http://${LOOPBACK}/v2/r${i}/manifests/1`),
      ...[1, 2].map((i) => `https://${LOOPBACK}/v2/r${i}/manifests/1`),
    ]);
    await settle();
    expect(dumped.sort()).toEqual([1, 2].map((i) => `http://${LOOPBACK}/v2/r${i}/manifests/1`));
    expect(logged).toEqual([`${LOOPBACK} speaks TLS: 2 reads sent ahead over plain HTTP set aside`]);
  });

  it('sends nothing ahead that may not go over plain HTTP: credentials, writes, bodies', async () => {
    const { probe, end } = early();
    const t = scripted(ok);
    const send = probe.layer(t.send);
    const url = new URL(`https://${LOOPBACK}/v2/a/manifests/1`);
    const all = Promise.all([
      send({ method: 'GET', url, headers: { Authorization: 'Bearer secret' } }),
      send({ method: 'GET', url, headers: { cookie: 'c=1' } }),
      send({ method: 'PUT', url, body: Buffer.from('{}') }),
      send({ method: 'POST', url: new URL(`https://${LOOPBACK}/v2/a/blobs/uploads/`) }),
    ]);
    await settle();
    expect(t.sent).toEqual([]);
    end(fail('ERR_SSL_WRONG_VERSION_NUMBER'));
    await all;
    expect(t.sent).toHaveLength(4);
    expect(t.sent.every((u) => u.startsWith('http:'))).toBe(true);
  });

  it('sends nothing ahead to a host whose plain connections were not opened early (a token service)', async () => {
    let end: (failure: unknown) => void = () => undefined;
    const outcome = new Promise<unknown>((resolve) => (end = resolve));
    const probe = new SchemeProbe((host) => host === LOOPBACK, { handshakeFailure: () => outcome, aheadHosts: new Set() });
    const t = scripted(ok);
    const pending = probe.layer(t.send)(get(`https://${LOOPBACK}/token`));
    await settle();
    expect(t.sent).toEqual([]);
    end(undefined);
    await pending;
    expect(t.sent).toEqual([`https://${LOOPBACK}/token`]);
  });

  it('sends at most as many reads ahead per host as it opens plain connections early', async () => {
    const { probe, end } = early();
    const t = scripted(ok);
    const send = probe.layer(t.send);
    const all = Promise.all(Array.from({ length: 9 }, (_, i) => send(get(`https://${LOOPBACK}/v2/r${i}/manifests/1`))));
    await settle();
    expect(t.sent).toHaveLength(6);
    end(fail('ERR_SSL_WRONG_VERSION_NUMBER'));
    await all;
    expect(t.sent).toHaveLength(9);
  });

  it('sends a read again when its plain attempt failed, and probes as before when the handshake says nothing', async () => {
    const { probe, end } = early();
    let plainFails = true;
    const t = scripted((req) => (req.url.protocol === 'http:' && plainFails ? fail('ECONNRESET') : ok(req)));
    const send = probe.layer(t.send);
    const pending = send(get(`https://${LOOPBACK}/v2/a/manifests/1`));
    await settle();
    plainFails = false;
    end(fail('ECONNREFUSED'));
    // Said nothing: the read probes over HTTPS, which answers, so the host speaks TLS.
    expect((await pending).url.protocol).toBe('https:');
    expect(t.sent).toEqual([`http://${LOOPBACK}/v2/a/manifests/1`, `https://${LOOPBACK}/v2/a/manifests/1`]);

    const again = early();
    const u = scripted((req) => (req.url.protocol === 'http:' && u.sent.length === 1 ? fail('ECONNRESET') : ok(req)));
    const sendAgain = again.probe.layer(u.send);
    const read = sendAgain(get(`https://${LOOPBACK}/v2/b/manifests/1`));
    await settle();
    again.end(fail('ERR_SSL_WRONG_VERSION_NUMBER'));
    expect((await read).url.protocol).toBe('http:');
    expect(u.sent).toEqual([`http://${LOOPBACK}/v2/b/manifests/1`, `http://${LOOPBACK}/v2/b/manifests/1`]);
  });
});

describe('SchemeProbe over real sockets', () => {
  let dir: string;
  let tlsServer: https.Server;
  let plainServer: http.Server;
  let tlsHost: string;
  let plainHost: string;
  let agent: Agent;
  /** Requests as the TLS server received them, and when it answered the first one. */
  let arrivals: Array<{ url: string; at: number }>;
  let firstAnsweredAt: number;
  let tlsConnections: number;
  let plainConnections: number;
  let ca: string;

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'merge-scheme-'));
    const { certPem, keyPem } = await selfSignedCert(dir, 'loopback', '/CN=127.0.0.1', 'localhost');
    ca = certPem;
    tlsServer = https.createServer({ cert: certPem, key: keyPem }, (req, res) => {
      arrivals.push({ url: req.url ?? '', at: Date.now() });
      // The first answer comes late: the others must not wait for it, only for the handshake.
      const delay = arrivals.length === 1 ? 300 : 0;
      setTimeout(() => {
        if (delay) firstAnsweredAt = Date.now();
        res.end('{}');
      }, delay);
    });
    tlsServer.on('secureConnection', () => tlsConnections++);
    plainServer = http.createServer((_req, res) => res.end('{}'));
    plainServer.on('connection', () => plainConnections++);
    await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => plainServer.listen(0, '127.0.0.1', r));
    tlsHost = `localhost:${(tlsServer.address() as AddressInfo).port}`;
    plainHost = `127.0.0.1:${(plainServer.address() as AddressInfo).port}`;
    agent = new Agent({ connect: { ca: certPem } });
  });
  beforeEach(() => {
    arrivals = [];
    tlsConnections = 0;
    plainConnections = 0;
  });
  afterAll(async () => {
    await agent?.close();
    tlsServer?.closeAllConnections();
    plainServer?.closeAllConnections();
    await new Promise<void>((r) => tlsServer.close(() => r()));
    await new Promise<void>((r) => plainServer.close(() => r()));
    await fs.rm(dir, { recursive: true, force: true });
  });

  const transport = () => {
    const probe = new SchemeProbe((host) => host === tlsHost || host === plainHost);
    return { probe, send: probe.layer(baseSend(probe.observe(agent))) };
  };
  const read = async (res: HttpResponse) => {
    await res.body.text();
    return res.url.protocol;
  };

  it('keeps a TLS server on HTTPS and releases the held requests at the handshake, not at the answer', async () => {
    const { probe, send } = transport();
    const protocols = await Promise.all([1, 2, 3].map((i) => send(get(`https://${tlsHost}/v2/r${i}/manifests/1`)).then(read)));
    expect(protocols).toEqual(['https:', 'https:', 'https:']);
    expect(probe.schemeOf(tlsHost)).toBe('https:');
    expect(arrivals).toHaveLength(3);
    expect(arrivals.slice(1).every((a) => a.at < firstAnsweredAt)).toBe(true);
  });

  it('reaches a plain server over HTTP after one failed TLS attempt', async () => {
    const { probe, send } = transport();
    const protocols = await Promise.all([1, 2, 3].map((i) => send(get(`https://${plainHost}/v2/r${i}/`)).then(read)));
    expect(protocols).toEqual(['http:', 'http:', 'http:']);
    expect(probe.schemeOf(plainHost)).toBe('http:');
    // The agent may open one connection per held request once released; the TLS attempt is one more.
    expect(plainConnections).toBeGreaterThanOrEqual(2);
    expect(plainConnections).toBeLessThanOrEqual(4);
  });

  it('decides from the router’s early handshake: one TLS attempt on a plain server, no request over HTTPS', async () => {
    // Its own fallback agent (closed with the router): no kept-alive connection from another test.
    const router = new OriginRouter(
      { connectTimeoutMs: 5000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, keepAliveTimeoutMs: 5000 },
      new Agent(),
    );
    try {
      const probe = new SchemeProbe((host) => host === plainHost, { handshakeFailure: (o) => router.handshakeFailure(o) });
      const sent: string[] = [];
      const base = baseSend(probe.observe(router));
      const send = probe.layer((req) => {
        sent.push(req.url.protocol);
        return base(req);
      });
      router.preconnect(`https://${plainHost}`);
      const protocols = await Promise.all([1, 2, 3].map((i) => send(get(`https://${plainHost}/v2/r${i}/`)).then(read)));
      expect(protocols).toEqual(['http:', 'http:', 'http:']);
      expect(sent).toEqual(['http:', 'http:', 'http:']);
      expect(probe.schemeOf(plainHost)).toBe('http:');
      // The handshake is the one failed connection; the requests then reuse or open plain ones.
      expect(plainConnections).toBeGreaterThanOrEqual(2);
      expect(plainConnections).toBeLessThanOrEqual(4);
    } finally {
      await router.close();
    }
  });

  it.each([
    ['a plain server gets each read once, over plain HTTP', 'plain'],
    ['a TLS server answers each over TLS, the plain answers set aside', 'tls'],
  ])('sends the first reads ahead on the plain connections opened early: %s', async (_, kind) => {
    const host = kind === 'plain' ? plainHost : tlsHost;
    const router = new OriginRouter(
      { connectTimeoutMs: 5000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, keepAliveTimeoutMs: 5000, tls: { ca } },
      new Agent(),
    );
    try {
      const logged: string[] = [];
      const probe = new SchemeProbe((h) => h === host, {
        handshakeFailure: (o) => router.handshakeFailure(o),
        aheadHosts: new Set([host]),
        log: (m) => logged.push(m),
      });
      const sent: string[] = [];
      const base = baseSend(probe.observe(router));
      const send = probe.layer((req) => {
        sent.push(req.url.protocol);
        return base(req);
      });
      router.preconnect(`https://${host}`);
      router.preconnectPlain(`http://${host}`, 3);
      const protocols = await Promise.all([1, 2, 3].map((i) => send(get(`https://${host}/v2/r${i}/`)).then(read)));
      if (kind === 'plain') {
        expect(protocols).toEqual(['http:', 'http:', 'http:']);
        expect(sent).toEqual(['http:', 'http:', 'http:']);
        // The TLS attempt and the three plain connections opened with it: none opened after.
        expect(plainConnections).toBe(4);
        expect(logged).toEqual([expect.stringMatching(/does not speak TLS/)]);
      } else {
        expect(protocols).toEqual(['https:', 'https:', 'https:']);
        expect(sent).toEqual(['http:', 'http:', 'http:', 'https:', 'https:', 'https:']);
        expect(arrivals.map((a) => a.url).sort()).toEqual(['/v2/r1/', '/v2/r2/', '/v2/r3/']);
        await new Promise((r) => setTimeout(r, 20));
        expect(logged).toEqual([`${host} speaks TLS: 3 reads sent ahead over plain HTTP set aside`]);
      }
    } finally {
      await router.close();
    }
  });

  it('fails on an untrusted certificate instead of falling back', async () => {
    const probe = new SchemeProbe((host) => host === tlsHost);
    const untrusting = new Agent();
    try {
      const send = probe.layer(baseSend(probe.observe(untrusting)));
      await expect(send(get(`https://${tlsHost}/v2/`))).rejects.toThrow(/certificate of localhost:\d+ is not trusted/);
      expect(probe.schemeOf(tlsHost)).toBe('https:');
      expect(arrivals).toEqual([]);
    } finally {
      await untrusting.close();
    }
  });
});
