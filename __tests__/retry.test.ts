import { Readable } from 'node:stream';
import type { HttpRequest, HttpResponse, Send } from '../src/registry/http';
import { backoffDelay, parseRetryAfter, withRetry } from '../src/registry/retry';

const policy = { attempts: 4, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 2000 };
const req: HttpRequest = { method: 'GET', url: new URL('http://127.0.0.1:1/v2/') };

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
    const answers: Array<HttpResponse | Error> = [response(503), new Error('ECONNRESET'), response(429, { 'retry-after': '0' }), response(200)];
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
});
