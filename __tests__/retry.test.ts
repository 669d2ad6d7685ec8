import { Readable } from 'node:stream';
import { type HttpRequest, type HttpResponse, type Send, TransportError } from '../src/transport/http';
import { backoffDelay, backOffOrThrow, isRetriableError, parseRetryAfter, withRetry } from '../src/transport/retry';

const policy = { attempts: 4, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 2000 };
const req: HttpRequest = { method: 'GET', url: new URL('http://127.0.0.1:1/v2/') };

/** A connection failure as undici reports it. */
function netError(code: string): Error {
  return Object.assign(new Error(`socket: ${code}`), { code });
}

function response(status: number, headers: Record<string, string> = {}): HttpResponse {
  const body = Readable.from([]) as unknown as HttpResponse['body'];
  (body as unknown as { dump: () => Promise<void> }).dump = async () => undefined;
  return { status, headers, body, url: req.url };
}

describe('retry', () => {
  it('parses Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter('3')).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4_000)).toBe(6000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(undefined)).toBeUndefined();
  });

  it('backs off exponentially with jitter, capped', () => {
    const p = { attempts: 9, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 0 };
    expect(backoffDelay(0, p, () => 0)).toBe(50);
    expect(backoffDelay(0, p, () => 1)).toBe(100);
    expect(backoffDelay(2, p, () => 1)).toBe(400);
    expect(backoffDelay(8, p, () => 1)).toBe(1000);
  });

  it('retries 503, 429 and network errors, then returns the success', async () => {
    const answers: Array<HttpResponse | Error> = [
      response(503),
      netError('ECONNRESET'),
      response(429, { 'retry-after': '0' }),
      response(200),
    ];
    const seen: number[] = [];
    const send: Send = async () => {
      seen.push(seen.length);
      const a = answers.shift() as HttpResponse | Error;
      if (a instanceof Error) throw a;
      return a;
    };
    expect((await withRetry(send, policy)(req)).status).toBe(200);
    expect(seen).toHaveLength(4);
  });

  it('gives up after the last attempt and returns what the registry said', async () => {
    let calls = 0;
    const send: Send = async () => {
      calls++;
      return response(502);
    };
    expect((await withRetry(send, policy)(req)).status).toBe(502);
    expect(calls).toBe(4);
  });

  it('does not retry 4xx other than 408 and 429', async () => {
    let calls = 0;
    const send: Send = async () => {
      calls++;
      return response(404);
    };
    expect((await withRetry(send, policy)(req)).status).toBe(404);
    expect(calls).toBe(1);
  });

  it('does not wait longer than the cap a registry asks for', async () => {
    let calls = 0;
    const send: Send = async () => {
      calls++;
      return response(429, { 'retry-after': '3600' });
    };
    expect((await withRetry(send, policy)(req)).status).toBe(429);
    expect(calls).toBe(1);
  });

  it('re-opens a streamed body on each attempt', async () => {
    let opened = 0;
    const body = () => {
      opened++;
      return Readable.from(['x']);
    };
    let calls = 0;
    const send: Send = async (r) => {
      calls++;
      if (typeof r.body === 'function') await r.body();
      return response(calls < 3 ? 500 : 201);
    };
    expect((await withRetry(send, policy)({ ...req, method: 'PUT', body })).status).toBe(201);
    expect(opened).toBe(3);
  });

  it('retries connection failures only: not a certificate nobody trusts, nor our own errors', async () => {
    expect(isRetriableError(netError('ECONNRESET'))).toBe(true);
    expect(isRetriableError(netError('UND_ERR_BODY_TIMEOUT'))).toBe(true);
    expect(isRetriableError(netError('UND_ERR_HEADERS_TIMEOUT'))).toBe(true);
    expect(isRetriableError(netError('UND_ERR_CLOSED'))).toBe(false);
    expect(isRetriableError(new Error('the blob hashes to something else'))).toBe(false);
    expect(isRetriableError(new TransportError('reset', 'r.io', 'ECONNRESET', true))).toBe(true);
    expect(isRetriableError(new TransportError('untrusted', 'r.io', 'DEPTH_ZERO_SELF_SIGNED_CERT', false))).toBe(false);

    for (const err of [
      new TransportError('untrusted', 'r.io', 'SELF_SIGNED_CERT_IN_CHAIN', false),
      new Error('digest mismatch'),
    ]) {
      let calls = 0;
      const send: Send = async () => {
        calls++;
        throw err;
      };
      await expect(withRetry(send, policy)(req)).rejects.toBe(err);
      expect(calls).toBe(1);
    }
  });

  it('waits what Retry-After asks (seconds or a date), not the shorter backoff', async () => {
    const logged: string[] = [];
    for (const value of ['1', new Date(Date.now() + 60_000).toUTCString()]) {
      const answers = [response(429, { 'retry-after': value }), response(200)];
      const send: Send = async () => answers.shift() as HttpResponse;
      jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
      try {
        const pending = withRetry(send, { ...policy, maxRetryAfterMs: 120_000 }, (m) => logged.push(m))(req);
        await jest.advanceTimersByTimeAsync(120_000);
        expect((await pending).status).toBe(200);
      } finally {
        jest.useRealTimers();
      }
    }
    expect(logged[0]).toMatch(/answered 429; retrying in 1000 ms/);
    expect(Number(/retrying in (\d+) ms/.exec(logged[1])?.[1])).toBeGreaterThan(58_000);
  });

  it('redacts signed URLs in what it logs', async () => {
    const logged: string[] = [];
    const answers = [response(503), response(200)];
    // The answer names the URL that was sent (the transport's answers do).
    const send: Send = async (r) => ({ ...(answers.shift() as HttpResponse), url: r.url });
    const signed = { ...req, url: new URL('https://bucket.example/blob?X-Amz-Signature=topsecret&part=1') };
    await withRetry(send, policy, (m) => logged.push(m))(signed);
    expect(logged.join('\n')).not.toContain('topsecret');
    expect(logged.join('\n')).toContain('X-Amz-Signature=REDACTED');
  });

  it('names the URL that answered: plain HTTP after the fallback, not the https one asked for (design rule 17)', async () => {
    const logged: string[] = [];
    const answers = [response(503), response(200)];
    const send: Send = async (r) => {
      const used = new URL(r.url);
      used.protocol = 'http:';
      return { ...(answers.shift() as HttpResponse), url: used };
    };
    await withRetry(send, policy, (m) => logged.push(m))({ ...req, url: new URL('https://127.0.0.1:5000/v2/') });
    expect(logged).toEqual([expect.stringMatching(/^GET http:\/\/127\.0\.0\.1:5000\/v2\/ answered 503; retrying in/)]);
  });

  it('backOffOrThrow rethrows what cannot be helped, or once the attempts are spent', async () => {
    const reset = netError('UND_ERR_SOCKET');
    await expect(backOffOrThrow(reset, 0, policy)).resolves.toBeUndefined();
    await expect(backOffOrThrow(reset, policy.attempts - 1, policy)).rejects.toBe(reset);
    const mine = new Error('size limit');
    await expect(backOffOrThrow(mine, 0, policy)).rejects.toBe(mine);
  });
});
