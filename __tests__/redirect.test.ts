import { Readable } from 'node:stream';
import type { HttpRequest, HttpResponse, Send } from '../src/transport/http';
import { RedirectError, withRedirects } from '../src/transport/redirect';

function response(url: URL, status: number, headers: Record<string, string> = {}): HttpResponse {
  const body = Readable.from([]) as unknown as HttpResponse['body'];
  (body as unknown as { dump: () => Promise<void> }).dump = async () => undefined;
  return { status, headers, body, url };
}

/** A transport answering from a table keyed by URL; records every request it got. */
function transport(answers: Record<string, [number, Record<string, string>?]>): { send: Send; seen: HttpRequest[] } {
  const seen: HttpRequest[] = [];
  const send: Send = async (req) => {
    seen.push(req);
    const [status, headers] = answers[req.url.toString()] ?? [404];
    return response(req.url, status, headers);
  };
  return { send, seen };
}

const registry = 'https://registry.example/v2/app/blobs/sha256:abc';
const auth = { authorization: 'Bearer secret-token', Cookie: 'session=1', accept: '*/*' };

describe('withRedirects', () => {
  it('follows a redirect on the same origin with the credentials', async () => {
    const t = transport({
      [registry]: [307, { location: '/v2/app/blobs/other' }],
      'https://registry.example/v2/app/blobs/other': [200],
    });
    const res = await withRedirects(t.send)({ method: 'GET', url: new URL(registry), headers: auth });
    expect(res.status).toBe(200);
    expect(t.seen[1].headers).toEqual(auth);
  });

  it.each([
    ['another host', registry, 'https://bucket.s3.example/blob?X-Amz-Signature=s'],
    ['another port', registry, 'https://registry.example:8443/blob'],
    ['another scheme', 'http://registry.example/v2/app/blobs/sha256:abc', 'https://registry.example/blob'],
  ])('never sends Authorization or cookies to %s', async (_what, start, location) => {
    const t = transport({ [start]: [302, { location }], [location]: [200] });
    const res = await withRedirects(t.send)({ method: 'GET', url: new URL(start), headers: auth });
    expect(res.status).toBe(200);
    expect(t.seen).toHaveLength(2);
    expect(t.seen[1].url.toString()).toBe(location);
    expect(t.seen[1].headers).toEqual({ accept: '*/*' });
  });

  it('does not give the credentials back when a foreign host redirects to the registry again', async () => {
    const cdn = 'https://cdn.example/blob';
    const t = transport({
      [registry]: [307, { location: cdn }],
      [cdn]: [307, { location: registry.replace('abc', 'def') }],
      [registry.replace('abc', 'def')]: [200],
    });
    await withRedirects(t.send)({ method: 'GET', url: new URL(registry), headers: auth });
    expect(t.seen[2].headers?.authorization).toBeUndefined();
  });

  it('refuses to go from https to plain HTTP', async () => {
    const t = transport({ [registry]: [307, { location: 'http://cdn.example/blob' }] });
    await expect(withRedirects(t.send)({ method: 'GET', url: new URL(registry), headers: auth })).rejects.toThrow(
      /refusing a redirect from https to plain HTTP/,
    );
    expect(t.seen).toHaveLength(1);
  });

  it('refuses other schemes and gives up after five hops', async () => {
    const file = transport({ [registry]: [307, { location: 'file:///etc/passwd' }] });
    await expect(withRedirects(file.send)({ method: 'GET', url: new URL(registry) })).rejects.toThrow(RedirectError);
    const loop = transport({ [registry]: [302, { location: registry }] });
    await expect(withRedirects(loop.send)({ method: 'GET', url: new URL(registry) })).rejects.toThrow(/more than 5 redirects/);
    expect(loop.seen).toHaveLength(6);
  });

  it('hands a redirected write back to the caller', async () => {
    const t = transport({ [registry]: [307, { location: 'https://elsewhere.example/' }] });
    const res = await withRedirects(t.send)({ method: 'PUT', url: new URL(registry), headers: auth, body: Buffer.from('x') });
    expect(res.status).toBe(307);
    expect(t.seen).toHaveLength(1);
  });

  it("drops a foreign host's challenge so it is never answered with the registry's credentials", async () => {
    const cdn = 'https://cdn.example/blob';
    const t = transport({ [registry]: [307, { location: cdn }], [cdn]: [401, { 'www-authenticate': 'Basic realm="evil"' }] });
    const res = await withRedirects(t.send)({ method: 'GET', url: new URL(registry), headers: auth });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBeUndefined();

    const own = transport({ [registry]: [401, { 'www-authenticate': 'Bearer realm="https://auth.example/token"' }] });
    const direct = await withRedirects(own.send)({ method: 'GET', url: new URL(registry) });
    expect(direct.headers['www-authenticate']).toBe('Bearer realm="https://auth.example/token"');
  });
});
