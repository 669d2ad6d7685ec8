import { Readable } from 'node:stream';
import { type HttpRequest, type HttpResponse, type Send, TransportError } from '../src/transport/http';
import { failureKind, OutageError, type OutagePolicy, Outages } from '../src/transport/outage';
import { withRetry } from '../src/transport/retry';

const policy: OutagePolicy = { giveUpMs: 60_000, probeBaseMs: 250, probeMaxMs: 2_000, probeTimeoutMs: 5_000 };
const retry = { attempts: 5, baseDelayMs: 250, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };
const HOST = 'reg.test:5000';

function response(status: number, url: URL): HttpResponse {
  const body = Readable.from([]) as unknown as HttpResponse['body'];
  (body as unknown as { dump: () => Promise<void> }).dump = async () => undefined;
  return { status, headers: {}, body, url };
}

const refused = (host = HOST) =>
  new TransportError(`cannot connect to http://${host}: connection refused`, host, 'ECONNREFUSED', true);

/**
 * A host that is down from `down[0]` to `down[1]` (ms of fake time; `Infinity`: for good): every
 * request in that window is refused, probes (GET /v2/) included. Counts what reaches it.
 */
function flakyHost(down: [number, number], start = Date.now()) {
  const seen: Array<{ path: string; at: number; refused: boolean }> = [];
  const send: Send = async (req: HttpRequest) => {
    const at = Date.now() - start;
    const isDown = at >= down[0] && at < down[1];
    seen.push({ path: req.url.pathname, at, refused: isDown });
    if (isDown) throw refused(req.url.host);
    return response(200, req.url);
  };
  return { send, seen };
}

function recorder() {
  const info: string[] = [];
  const debug: string[] = [];
  return { info, debug, log: { info: (m: string) => info.push(m), debug: (m: string) => debug.push(m) } };
}

const url = (path: string) => new URL(`http://${HOST}${path}`);

describe('Outages (design rule 12)', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  it('holds every request of a host that stops answering, probes it alone, and lets them go when it is back', async () => {
    // Down for 12 s from the start: eight requests in flight all fail at once.
    const host = flakyHost([0, 12_000]);
    const { info, debug, log } = recorder();
    const outages = new Outages(host.send, policy, log);
    const retried: string[] = [];
    const send = withRetry(host.send, retry, (m) => retried.push(m), outages);
    const pending = Array.from({ length: 8 }, (_, i) => send({ method: 'GET', url: url(`/v2/app/blobs/${i}`) }));
    await jest.advanceTimersByTimeAsync(20_000);
    const answers = await Promise.all(pending);
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));

    // Each request was sent twice: once into the outage, once after it.
    for (let i = 0; i < 8; i++) expect(host.seen.filter((s) => s.path === `/v2/app/blobs/${i}`)).toHaveLength(2);
    // Only the probe asked the host while it was down, never two at a time, on a back-off capped at 2 s.
    const probes = host.seen.filter((s) => s.path === '/v2/');
    expect(probes.filter((p) => p.refused).length).toBeGreaterThanOrEqual(6);
    const gaps = probes.slice(1).map((p, i) => p.at - probes[i].at);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(2_000);
    expect(probes.at(-1)?.refused).toBe(false);
    const retriesWhileDown = host.seen.filter((s) => s.path !== '/v2/' && s.refused).length;
    expect(retriesWhileDown).toBe(8);

    // The log tells it once; each request's detail is debug.
    expect(info).toHaveLength(2);
    expect(info[0]).toBe(
      `${HOST} stopped answering (connection refused): its requests wait for it, trying it again for up to 60 s`,
    );
    expect(info[1]).toMatch(new RegExp(`^${HOST} answers again after 1[2-4]\\.\\d s; 8 held requests go on$`));
    expect(retried).toEqual([]);
    expect(debug.filter((d) => d.includes('waiting for'))).toHaveLength(8);
  });

  it('holds requests that start during the outage before they are sent', async () => {
    const host = flakyHost([0, 3_000]);
    const { log } = recorder();
    const outages = new Outages(host.send, policy, log);
    const send = withRetry(host.send, retry, undefined, outages);
    const first = send({ method: 'GET', url: url('/v2/a/manifests/1') });
    await jest.advanceTimersByTimeAsync(1_000);
    const later = send({ method: 'PUT', url: url('/v2/a/manifests/2') });
    await jest.advanceTimersByTimeAsync(5_000);
    expect((await first).status).toBe(200);
    expect((await later).status).toBe(200);
    // The later request went out once, after the outage.
    expect(host.seen.filter((s) => s.path === '/v2/a/manifests/2')).toEqual([expect.objectContaining({ refused: false })]);
  });

  it('gives up on a host that never comes back at the limit, with one error naming it, what failed and how long', async () => {
    const host = flakyHost([0, Infinity]);
    const { info, log } = recorder();
    const outages = new Outages(host.send, policy, log);
    const send = withRetry(host.send, retry, undefined, outages);
    const pending = Array.from({ length: 4 }, (_, i) =>
      send({ method: 'GET', url: url(`/v2/a/blobs/${i}`) }).then(
        () => undefined,
        (err: Error) => err,
      ),
    );
    await jest.advanceTimersByTimeAsync(59_000);
    expect(host.seen.filter((s) => s.path === '/v2/').length).toBeGreaterThan(25);
    await jest.advanceTimersByTimeAsync(2_000);
    const errors = await Promise.all(pending);
    // One error, shared by every request that waited.
    expect(new Set(errors).size).toBe(1);
    const error = errors[0] as OutageError;
    expect(error).toBeInstanceOf(OutageError);
    expect(error.message).toMatch(new RegExp(`^${HOST} did not answer for 60 s \\(connection refused; \\d+ attempts`));
    expect(error.message).toContain('outage-timeout');
    expect(info).toHaveLength(1);
    // The host stays given up: a later request fails at once, without a request.
    const before = host.seen.length;
    await expect(send({ method: 'GET', url: url('/v2/a/manifests/x') })).rejects.toBe(error);
    expect(host.seen.length).toBe(before);
  });

  it('names each way the host failed, in order', async () => {
    let calls = 0;
    const send: Send = async () => {
      calls++;
      if (calls === 1) throw refused();
      throw new TransportError('no headers', HOST, calls % 2 ? 'UND_ERR_HEADERS_TIMEOUT' : 'ECONNRESET', true);
    };
    const outages = new Outages(send, { ...policy, giveUpMs: 5_000 }, recorder().log);
    const pending = withRetry(send, retry, undefined, outages)({ method: 'GET', url: url('/v2/') }).catch((e: Error) => e);
    await jest.advanceTimersByTimeAsync(6_000);
    expect(((await pending) as Error).message).toMatch(
      /did not answer for 5 s \(connection refused, connection reset, timed out;/,
    );
  });

  it("a failure the host does not share is the request's own: it backs off and counts its attempts, without outage lines", async () => {
    let calls = 0;
    const send: Send = async (req) => {
      if (req.url.pathname === '/v2/') return response(200, req.url);
      calls++;
      throw new TransportError('the connection broke', HOST, 'ECONNRESET', true);
    };
    const { info, log } = recorder();
    const retried: string[] = [];
    const outages = new Outages(send, policy, log);
    const pending = withRetry(
      send,
      retry,
      (m) => retried.push(m),
      outages,
    )({ method: 'GET', url: url('/v2/a/blobs/1') }).catch((e: Error) => e);
    await jest.advanceTimersByTimeAsync(30_000);
    expect(await pending).toBeInstanceOf(TransportError);
    expect(calls).toBe(retry.attempts);
    expect(retried).toHaveLength(retry.attempts - 1);
    expect(info).toEqual([]);
  });

  it('keeps hosts apart: a token service down does not hold the registry', async () => {
    const token = flakyHost([0, 3_000]);
    const registry: Send = async (req) => response(200, req.url);
    const send: Send = (req) => (req.url.host === 'auth.test' ? token.send(req) : registry(req));
    const { info, log } = recorder();
    const outages = new Outages(send, policy, log);
    const retrying = withRetry(send, retry, undefined, outages);
    const tokenAnswer = retrying({ method: 'GET', url: new URL('http://auth.test/token') });
    await jest.advanceTimersByTimeAsync(100);
    expect((await retrying({ method: 'GET', url: url('/v2/') })).status).toBe(200);
    await jest.advanceTimersByTimeAsync(5_000);
    expect((await tokenAnswer).status).toBe(200);
    expect(info[0]).toMatch(/^auth\.test stopped answering/);
  });

  it('counts a gateway answering 502/503/504 to the probe as still down', async () => {
    let down = true;
    const send: Send = async (req) => {
      if (req.url.pathname === '/v2/') return response(down ? 503 : 401, req.url);
      if (down) throw refused();
      return response(200, req.url);
    };
    const { info, log } = recorder();
    const outages = new Outages(send, policy, log);
    const pending = withRetry(send, retry, undefined, outages)({ method: 'GET', url: url('/v2/a/manifests/1') });
    await jest.advanceTimersByTimeAsync(4_000);
    down = false;
    await jest.advanceTimersByTimeAsync(3_000);
    expect((await pending).status).toBe(200);
    expect(info[0]).toContain('(connection refused, answered 503)');
  });

  it('a failure that shows only after the outage that cut it (a body nobody read) belongs to it: no probe, no line', async () => {
    const host = flakyHost([1_000, 4_000]);
    const { info, log } = recorder();
    const outages = new Outages(host.send, policy, log);
    const sentAt = Date.now();
    await jest.advanceTimersByTimeAsync(1_000);
    const during = withRetry(host.send, retry, undefined, outages)({ method: 'GET', url: url('/v2/a/manifests/1') });
    await jest.advanceTimersByTimeAsync(5_000);
    expect((await during).status).toBe(200);
    expect(info).toHaveLength(2);
    const probes = host.seen.filter((s) => s.path === '/v2/').length;
    const reset = new TransportError('the connection broke', HOST, 'ECONNRESET', true);
    await expect(outages.failed('the answer broke off', url('/v2/a/blobs/1'), reset, sentAt)).resolves.toBe('outage');
    expect(host.seen.filter((s) => s.path === '/v2/')).toHaveLength(probes);
    expect(info).toHaveLength(2);
    // Sent after it: a failure of its own, which the host is probed for.
    const pending = outages.failed('the answer broke off', url('/v2/a/blobs/1'), reset, Date.now());
    await jest.advanceTimersByTimeAsync(10);
    await expect(pending).resolves.toBe('isolated');
    expect(host.seen.filter((s) => s.path === '/v2/')).toHaveLength(probes + 1);
  });

  it('a probe without an answer fails at its own timeout: a host that swallows connections is given up on too', async () => {
    const send: Send = (req) =>
      req.url.pathname === '/v2/'
        ? new Promise<HttpResponse>(() => undefined)
        : Promise.reject(new TransportError('no headers', HOST, 'UND_ERR_HEADERS_TIMEOUT', true));
    const { info, log } = recorder();
    const outages = new Outages(send, { ...policy, giveUpMs: 20_000 }, log);
    const pending = withRetry(send, retry, undefined, outages)({ method: 'GET', url: url('/v2/a') }).catch((e: Error) => e);
    await jest.advanceTimersByTimeAsync(5_000);
    expect(info).toEqual([`${HOST} stopped answering (timed out): its requests wait for it, trying it again for up to 20 s`]);
    await jest.advanceTimersByTimeAsync(16_000);
    expect(((await pending) as Error).message).toMatch(/did not answer for 20 s \(timed out; 5 attempts/);
  });

  it('close() releases whoever waits (the run is over)', async () => {
    const host = flakyHost([0, Infinity]);
    const outages = new Outages(host.send, policy, recorder().log);
    const pending = withRetry(host.send, retry, undefined, outages)({ method: 'GET', url: url('/v2/x') }).catch((e: Error) => e);
    await jest.advanceTimersByTimeAsync(1_000);
    outages.close();
    await jest.advanceTimersByTimeAsync(10);
    expect(((await pending) as Error).message).toMatch(/the run ended while waiting/);
  });
});

describe('a host that never answered in the run (design rule 17)', () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] }));
  afterEach(() => jest.useRealTimers());
  const withFirstContact: OutagePolicy = { ...policy, firstContactMs: 5_000 };

  it('refusing from the first request: fails at the first-contact limit, saying nothing answers there', async () => {
    const host = flakyHost([0, Infinity]);
    const { info, log } = recorder();
    const outages = new Outages(host.send, withFirstContact, log);
    const pending = withRetry(host.send, retry, undefined, outages)({ method: 'GET', url: url('/v2/') }).catch((e: Error) => e);
    await jest.advanceTimersByTimeAsync(4_900);
    expect(host.seen.length).toBeGreaterThan(2);
    await jest.advanceTimersByTimeAsync(200);
    const error = (await pending) as Error;
    expect(error).toBeInstanceOf(OutageError);
    expect(error.message).toBe(`nothing answers at ${HOST} (connection refused): check the address`);
    expect(info).toEqual([
      `${HOST} does not answer (connection refused): it has not answered in this run, so its requests wait for it 5 s at most (a wrong address fails fast)`,
    ]);
  });

  it('refusing for 3 s at the start, then answering: ridden out', async () => {
    const host = flakyHost([0, 3_000]);
    const outages = new Outages(host.send, withFirstContact, recorder().log);
    const pending = withRetry(host.send, retry, undefined, outages)({ method: 'GET', url: url('/v2/x') });
    await jest.advanceTimersByTimeAsync(5_000);
    expect((await pending).status).toBe(200);
  });

  it('a host that answered earlier in the run keeps the outage limit', async () => {
    const host = flakyHost([1_000, Infinity]);
    const { info, log } = recorder();
    const outages = new Outages(host.send, { ...withFirstContact, giveUpMs: 20_000 }, log);
    const send = withRetry(host.send, retry, undefined, outages);
    expect((await send({ method: 'GET', url: url('/v2/') })).status).toBe(200);
    await jest.advanceTimersByTimeAsync(1_000);
    const pending = send({ method: 'GET', url: url('/v2/x') }).catch((e: Error) => e);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(info).toEqual([
      `${HOST} stopped answering (connection refused): its requests wait for it, trying it again for up to 20 s`,
    ]);
    await jest.advanceTimersByTimeAsync(11_000);
    expect(((await pending) as Error).message).toMatch(new RegExp(`^${HOST} did not answer for 20 s \\(connection refused`));
  });

  it('a name that does not resolve, or a server that does not speak HTTP, fails at once in the same words', async () => {
    const outages = new Outages(flakyHost([0, 0]).send, withFirstContact, recorder().log);
    for (const [code, kind] of [
      ['ENOTFOUND', 'no such host name'],
      ['HPE_INVALID_CONSTANT', 'not HTTP'],
    ]) {
      const send: Send = async () => {
        throw new TransportError('x', HOST, code, false);
      };
      await expect(withRetry(send, retry, undefined, outages)({ method: 'GET', url: url('/v2/') })).rejects.toThrow(
        `nothing answers at ${HOST} (${kind}): check the address`,
      );
    }
    // Once the host answered, the same failure is told as it is.
    outages.answered(url('/v2/'));
    const err = new TransportError('cannot resolve the host name of http://reg.test:5000', HOST, 'ENOTFOUND', false);
    expect(outages.unanswered(url('/v2/'), err)).toBeUndefined();
  });
});

describe('failureKind', () => {
  it.each([
    ['ECONNREFUSED', 'connection refused'],
    ['ECONNRESET', 'connection reset'],
    ['UND_ERR_SOCKET', 'connection reset'],
    ['UND_ERR_CONNECT_TIMEOUT', 'timed out'],
    ['UND_ERR_HEADERS_TIMEOUT', 'timed out'],
    ['EAI_AGAIN', 'DNS lookup failed'],
    ['EHOSTUNREACH', 'network unreachable'],
    ['HTTP_503', 'answered 503'],
  ])('%s reads "%s"', (code, kind) => {
    expect(failureKind(new TransportError('x', HOST, code, true))).toBe(kind);
  });
});
