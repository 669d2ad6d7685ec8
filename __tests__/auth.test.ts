/**
 * Authenticator against a scripted registry and token service whose grants a test decides:
 * how it re-authenticates when a token holds less than it was asked for (older GitLab, a
 * push token without the source's pull), without asking again for every request.
 */
import { Readable } from 'node:stream';
import { Authenticator, MAX_TOKEN_SCOPES } from '../src/registry/auth';
import { mergeScopes, scopesCover } from '../src/registry/challenge';
import type { HttpRequest, HttpResponse, Send } from '../src/transport/http';

const REALM = 'http://auth.test/token';

function response(status: number, text = '', headers: Record<string, string> = {}): HttpResponse {
  const body = Object.assign(Readable.from([Buffer.from(text)]), { dump: async () => undefined });
  return { status, headers, body: body as unknown as HttpResponse['body'], url: new URL('http://reg.test/') };
}

/**
 * A registry at reg.test whose every request needs the scopes in its `x-scopes` header, and a
 * token service granting what `grant` says. Records token requests and registry answers.
 */
function scripted(grant: (asked: string[]) => string[]) {
  const granted = new Map<string, string[]>();
  const tokenRequests: string[][] = [];
  const answers: number[] = [];
  let issued = 0;
  const send: Send = async (req) => {
    if (req.url.href.startsWith(REALM)) {
      const asked = req.url.searchParams.getAll('scope');
      tokenRequests.push(asked);
      const value = `token-${++issued}`;
      granted.set(value, grant(asked));
      return response(200, JSON.stringify({ token: value, expires_in: 300 }));
    }
    const needs = (req.headers?.['x-scopes'] ?? '').split(' ');
    const token = /^Bearer (.+)$/.exec(req.headers?.authorization ?? '')?.[1];
    const ok = token !== undefined && scopesCover(granted.get(token) ?? [], needs);
    answers.push(ok ? 200 : 401);
    if (ok) return response(200);
    return response(401, '{"errors":[{"code":"UNAUTHORIZED"}]}', {
      'www-authenticate': `Bearer realm="${REALM}",service="reg.test",scope="${needs.join(' ')}"`,
    });
  };
  /** The service forgets every token it issued (expired or revoked early). */
  const revokeAll = () => granted.clear();
  return { send, tokenRequests, answers, revokeAll };
}

function request(auth: Authenticator, scopes: string[]): Promise<HttpResponse> {
  const req: HttpRequest = {
    method: 'GET',
    url: new URL('http://reg.test/v2/'),
    headers: { 'x-scopes': mergeScopes(scopes).join(' ') },
  };
  return auth.request(req, scopes);
}

const TARGET = 'repository:out:pull,push';
const A = 'repository:a:pull';
const B = 'repository:b:pull';
const credential = { kind: 'basic' as const, username: 'u', password: 'p' };
const masked: string[] = [];
const mask = (value: string) => void masked.push(value);

describe('Authenticator', () => {
  it('asks for one token holding every scope of the run, and uses it for everything', async () => {
    const reg = scripted((asked) => asked);
    const auth = new Authenticator('reg.test', credential, reg.send, [TARGET, A, B], mask);
    for (const scopes of [[A], [B], [TARGET], [TARGET, A]]) expect((await request(auth, scopes)).status).toBe(200);
    expect(reg.tokenRequests).toHaveLength(1);
    // Masked through the front end before anything could print it.
    expect(masked).toContain('token-1');
    expect(mergeScopes(reg.tokenRequests[0]).sort()).toEqual([TARGET, A, B].sort());
  });

  it('asks for the scopes of a big batch in groups of MAX_TOKEN_SCOPES, each with the repository of the request (design rule 22)', async () => {
    const reg = scripted((asked) => asked);
    const scopes = Array.from({ length: 2 * MAX_TOKEN_SCOPES + 5 }, (_, i) => `repository:svc${i}:pull,push`);
    const auth = new Authenticator('reg.test', credential, reg.send, scopes, mask);
    for (const i of [0, 1, MAX_TOKEN_SCOPES + 3, 2 * MAX_TOKEN_SCOPES + 4, MAX_TOKEN_SCOPES - 1]) {
      expect((await request(auth, [scopes[i]])).status).toBe(200);
    }
    // One token per group asked for: the first group, the second, the rest.
    expect(reg.tokenRequests.map((asked) => asked.length)).toEqual([MAX_TOKEN_SCOPES, MAX_TOKEN_SCOPES, 5]);
    expect(mergeScopes(reg.tokenRequests[1])).toContain(scopes[MAX_TOKEN_SCOPES + 3]);
  });

  it('with a service honouring only the last scope, switches to one token per request and stops asking for combined ones', async () => {
    const reg = scripted((asked) => asked.slice(-1));
    const auth = new Authenticator('reg.test', credential, reg.send, [TARGET, A, B], mask);
    expect((await request(auth, [A])).status).toBe(200);
    // The combined token (only its last scope granted) refused, then one asked for [A] alone.
    expect(reg.tokenRequests.map((t) => t.length)).toEqual([3, 1]);
    reg.tokenRequests.length = 0;
    const seen = reg.answers.length;

    for (const scopes of [[B], [TARGET], [A], [B], [TARGET]]) expect((await request(auth, scopes)).status).toBe(200);
    // One token per scope set still missing, asked for that set alone before sending; the ones held are reused.
    expect(reg.tokenRequests).toEqual([[B], [TARGET]]);
    expect(reg.answers.slice(seen)).toEqual([200, 200, 200, 200, 200]);

    // Tokens revoked early: asked again for the request's scopes alone, not for the run's.
    reg.revokeAll();
    reg.tokenRequests.length = 0;
    expect((await request(auth, [B])).status).toBe(200);
    expect(reg.tokenRequests).toEqual([[B]]);
  });

  it('does not take a token that was refused for the scopes it was asked for', async () => {
    const reg = scripted((asked) => asked.slice(-1));
    const auth = new Authenticator('reg.test', credential, reg.send, [TARGET, A, B], mask);
    expect((await request(auth, [A])).status).toBe(200);
    reg.tokenRequests.length = 0;
    const seen = reg.answers.length;
    // A mount's two scopes: asked for together, only the last granted, refused once and given back.
    expect((await request(auth, [TARGET, A])).status).toBe(401);
    expect(reg.tokenRequests.map((t) => mergeScopes(t))).toEqual([[TARGET, A]]);
    expect(reg.answers.slice(seen)).toEqual([401]);
    // That token was asked for TARGET too, but is known not to hold it: a token for TARGET is asked first.
    expect((await request(auth, [TARGET])).status).toBe(200);
    expect(reg.answers.slice(seen + 1)).toEqual([200]);
    expect(reg.tokenRequests.slice(1)).toEqual([[TARGET]]);
  });

  it("gives a 401 back once a token asked for the request's own scopes does not get past it", async () => {
    // The service never grants the source's pull together with push (a mount's two scopes).
    const reg = scripted((asked) => (asked.some((s) => s.endsWith('push')) ? asked.filter((s) => s.endsWith('push')) : asked));
    const auth = new Authenticator('reg.test', credential, reg.send, [TARGET, A, B], mask);
    expect((await request(auth, [TARGET, A])).status).toBe(401);
    // Without a token, with the run's combined token, with one asked for its own two scopes: then given back.
    expect(reg.answers).toEqual([401, 401, 401]);
    expect(reg.tokenRequests.map((t) => mergeScopes(t).sort())).toEqual([[A, B, TARGET].sort(), [A, TARGET].sort()]);
  });

  it("does not ask again when the token already asked for the request's own scopes is refused", async () => {
    const reg = scripted(() => []);
    const auth = new Authenticator('reg.test', credential, reg.send, [A], mask);
    expect((await request(auth, [A])).status).toBe(401);
    expect(reg.answers).toEqual([401, 401]);
    expect(reg.tokenRequests).toEqual([[A]]);
  });

  it('shares one token request among requests refused at the same time', async () => {
    const reg = scripted((asked) => asked);
    const auth = new Authenticator('reg.test', credential, reg.send, [TARGET, A, B], mask);
    const statuses = await Promise.all([[A], [B], [TARGET], [A]].map((scopes) => request(auth, scopes)));
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(reg.tokenRequests).toHaveLength(1);
  });
});

describe('Authenticator: the first requests to a registry', () => {
  const SRC = 'repository:src:pull';

  it('leave together, none waiting for another: on a registry without a challenge, all are on the wire before one is answered', async () => {
    // The registry answers what has reached it once the requests sent in this turn are all out.
    const pending: Array<() => void> = [];
    let maxInFlight = 0;
    const send: Send = () =>
      new Promise((resolve) => {
        pending.push(() => resolve(response(200)));
        maxInFlight = Math.max(maxInFlight, pending.length);
        if (pending.length === 1) setImmediate(() => pending.splice(0).forEach((answer) => answer()));
      });
    const auth = new Authenticator('reg.test', credential, send, [TARGET, SRC], mask);
    const answers = await Promise.all([[TARGET], [SRC], [SRC], [SRC]].map((scopes) => request(auth, scopes)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(maxInFlight).toBe(4);
  });

  it('on a Bearer challenge to all of them, share one token request and are each sent again with it', async () => {
    const reg = scripted((asked) => asked);
    const auth = new Authenticator('reg.test', undefined, reg.send, [TARGET, SRC], mask);
    const answers = await Promise.all([
      request(auth, [SRC]),
      request(auth, [SRC]),
      request(auth, [TARGET]),
      request(auth, [SRC]),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    // Each met the challenge once (they left together), and one token served them all.
    expect(reg.answers).toEqual([401, 401, 401, 401, 200, 200, 200, 200]);
    expect(reg.tokenRequests).toHaveLength(1);
    expect([...reg.tokenRequests[0]].sort()).toEqual(mergeScopes([TARGET, SRC]).sort());
  });

  it('take the token already fetched when their 401 comes in after it, instead of asking again', async () => {
    const reg = scripted((asked) => asked);
    // The first request's 401 is held back until the second one has its token and its answer.
    let releaseLate: () => void = () => undefined;
    const late = new Promise<void>((resolve) => (releaseLate = resolve));
    let registryRequests = 0;
    const send: Send = async (req) => {
      const n = req.url.href.startsWith(REALM) ? 0 : ++registryRequests;
      const res = await reg.send(req);
      if (n === 1) await late;
      return res;
    };
    const auth = new Authenticator('reg.test', undefined, send, [TARGET, SRC], mask);
    const slow = request(auth, [SRC]);
    expect((await request(auth, [TARGET])).status).toBe(200);
    releaseLate();
    expect((await slow).status).toBe(200);
    expect(reg.tokenRequests).toHaveLength(1);
  });

  it('on a Basic challenge, are each sent again with the credentials, without a token', async () => {
    const seen: Array<string | undefined> = [];
    const send: Send = async (req) => {
      seen.push(req.headers?.authorization);
      return req.headers?.authorization?.startsWith('Basic ')
        ? response(200)
        : response(401, '', { 'www-authenticate': 'Basic realm="reg.test"' });
    };
    const auth = new Authenticator('reg.test', credential, send, [TARGET, SRC], mask);
    const answers = await Promise.all([request(auth, [SRC]), request(auth, [TARGET]), request(auth, [SRC])]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    const basic = `Basic ${Buffer.from('u:p').toString('base64')}`;
    expect(seen).toEqual([undefined, undefined, undefined, basic, basic, basic]);
    // Once Basic is known, the next request carries it from the start.
    expect((await request(auth, [SRC])).status).toBe(200);
    expect(seen.at(-1)).toBe(basic);
    expect(seen).toHaveLength(7);
  });

  it('takes a 401 as final for a request that says so, when its token was asked for its scopes', async () => {
    const reg = scripted((asked) => asked.filter((s) => s !== SRC)); // the service leaves the source out
    const auth = new Authenticator('reg.test', undefined, reg.send, [TARGET, SRC], mask);
    await request(auth, [TARGET]);
    const asked = reg.tokenRequests.length;
    const req: HttpRequest = {
      method: 'POST',
      url: new URL('http://reg.test/v2/out/blobs/uploads/'),
      headers: { 'x-scopes': [TARGET, SRC].join(' ') },
    };
    const res = await auth.request(req, [TARGET, SRC], { refusalIsFinal: true });
    expect(res.status).toBe(401);
    expect(reg.tokenRequests).toHaveLength(asked); // no token asked for again
  });
});

describe('Authenticator.grants', () => {
  const jwt = (access: object[]) => ['e30', Buffer.from(JSON.stringify({ access })).toString('base64url'), 'sig'].join('.');

  function withToken(value: string): Authenticator {
    const send: Send = async (req) =>
      req.url.href.startsWith(REALM)
        ? response(200, JSON.stringify({ token: value }))
        : req.headers?.authorization
          ? response(200)
          : response(401, '', { 'www-authenticate': `Bearer realm="${REALM}",service="reg.test"` });
    return new Authenticator('reg.test', undefined, send, [TARGET], mask);
  }

  it("reads what a JWT's access claim grants, and says nothing of an opaque token", async () => {
    const mount = [TARGET, 'repository:src:pull'];
    const partial = withToken(jwt([{ type: 'repository', name: 'out', actions: ['pull', 'push'] }]));
    expect(partial.grants(mount)).toBeUndefined(); // no token yet
    await request(partial, [TARGET]);
    expect(partial.grants(mount)).toBe(false);
    expect(partial.grants([TARGET])).toBe(true);

    const full = withToken(
      jwt([
        { type: 'repository', name: 'out', actions: ['pull', 'push'] },
        { type: 'repository', name: 'src', actions: ['pull'] },
      ]),
    );
    await request(full, [TARGET]);
    expect(full.grants(mount)).toBe(true);

    const opaque = withToken('djE6b3BhcXVl');
    await request(opaque, [TARGET]);
    expect(opaque.grants(mount)).toBeUndefined();
  });
});
