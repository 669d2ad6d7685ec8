import { type Challenge, grantedScopes, mergeScopes, parseChallenges, scopesCover } from './challenge';
import type { MaskSecret } from '../util/log';
import type { Credential } from './credentials';
import { allHeaders, discard, type HttpRequest, type HttpResponse, readBody, type Send } from '../transport/http';

export class AuthError extends Error {
  override name = 'AuthError';
}

interface Token {
  readonly value: string;
  /** What it was asked for: a token service may have granted less. */
  readonly scopes: readonly string[];
  readonly expiresAt: number;
  /** Asked for the run's other scopes too, not only for the request that fetched it. */
  readonly combined: boolean;
  /** Asked for a request's own scopes, and that request was still answered 401: it holds less. */
  refused: boolean;
}

/**
 * Scopes asked for in one token request at most. A batch of many images needs a scope per
 * repository (design rule 22); all of them in one request would make a URL longer than some
 * token services take (8 KiB is a common limit), so beyond this many the run's scopes are asked
 * for in groups, the group holding the request's own repository.
 */
export const MAX_TOKEN_SCOPES = 40;

const resourceOf = (scope: string) => scope.slice(0, scope.lastIndexOf(':'));

/**
 * Authenticates one registry (design rule 10): answers Basic or Bearer challenges, asks for one
 * token carrying every scope the run needs on this registry, and re-challenges on 401.
 */
export class Authenticator {
  private basic = false;
  private bearer: Challenge | undefined;
  private tokens: Token[] = [];
  private pendingTokens = new Map<string, Promise<Token>>();
  /**
   * Set once a token asked for one request's scopes got past a 401 that a fresh token asked for
   * all the run's scopes did not: this token service grants only part of a request for several
   * scopes (older GitLab honours the last one only). From then on each token is asked for one
   * request's scopes, and the combined tokens are dropped: they do not hold what they were
   * asked for, and trying them first would cost a 401 and two token requests each time.
   */
  private perRequestTokens = false;

  constructor(
    private readonly registry: string,
    private readonly credential: Credential | undefined,
    private readonly send: Send,
    /** Every scope this run needs here, targets (`pull,push`) first; asked for together. */
    private readonly runScopes: readonly string[],
    /** Every token is masked before anything could print it. */
    private readonly mask: MaskSecret,
  ) {}

  /**
   * Sends `req` needing `scopes`, authenticating as the registry asks. `refusalIsFinal`: a 401
   * to a request that carried a token asked for all its scopes is the answer (a mount the
   * registry will not do); no other token is asked for.
   *
   * No request waits for another's answer: the first requests to a registry leave together. A
   * registry that answers them without a challenge costs nothing more; one that challenges them
   * costs each a 401, the same round trip as holding them behind a first request's would, and
   * they share one token request (`fetchToken`, or the token already fetched when a 401 comes
   * in after it).
   */
  async request(req: HttpRequest, scopes: readonly string[], options: { refusalIsFinal?: boolean } = {}): Promise<HttpResponse> {
    // Where each token is asked for one request's scopes, ask before sending rather than after a
    // 401: requests needing the same scopes then share one ask instead of racing to repeat it.
    let asked: Token | undefined;
    if (this.perRequestTokens && !this.basic && this.covering(scopes) === undefined) {
      asked = await this.fetchToken(mergeScopes(scopes), false);
    }
    const covered = this.covering(scopes) !== undefined;
    const authorized = this.authorize(req, scopes);
    const first = await this.send(authorized);
    if (first.status !== 401) return first;
    if (options.refusalIsFinal && covered) return first;

    const challenges = allHeaders(first, 'www-authenticate').flatMap(parseChallenges);
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer) {
      this.bearer = bearer;
      const challenged = bearer.params.scope ? [bearer.params.scope] : [];
      const own = mergeScopes([...scopes, ...challenged]);
      // Refused with the token just asked for these very scopes: asking again cannot help.
      if (asked && authorized.headers?.authorization === `Bearer ${asked.value}` && scopesCover(asked.scopes, own)) {
        asked.refused = true;
        return first;
      }
      await discard(first);
      // Sent before a token another request fetched had arrived: that one covers it, no new ask.
      const held = this.covering(own);
      // One token for everything the run does here: a mount needs source pull and target push in the same token.
      const wanted = this.perRequestTokens ? own : mergeScopes([...own, ...this.runScopesWith(own)]);
      const token =
        held && authorized.headers?.authorization !== `Bearer ${held.value}`
          ? held
          : await this.fetchToken(wanted, wanted.join(' ') !== own.join(' '));
      const second = await this.send(withBearer(req, token));
      // Refused with a token asked for this request's scopes alone: another token cannot help.
      if (second.status !== 401 || scopesCover(own, token.scopes)) return second;
      await discard(second);
      // Some token services (older GitLab) honour only one scope: ask for just this request's.
      const single = await this.fetchToken(own, false);
      const third = await this.send(withBearer(req, single));
      if (third.status !== 401 && !this.perRequestTokens) {
        this.perRequestTokens = true;
        this.tokens = this.tokens.filter((t) => !t.combined);
      }
      return third;
    }
    // Retry with Basic unless this very request already carried it (then the credentials are wrong).
    const sentBasic = authorized.headers?.authorization?.startsWith('Basic ') ?? false;
    if (challenges.some((c) => c.scheme === 'basic') && this.credential?.kind === 'basic' && !sentBasic) {
      await discard(first);
      this.basic = true;
      return this.send(this.authorize(req, scopes));
    }
    return first;
  }

  /** The run's scopes asked for with `own`: all of them, or the group of `MAX_TOKEN_SCOPES` holding `own`'s repository. */
  private runScopesWith(own: readonly string[]): readonly string[] {
    if (this.runScopes.length <= MAX_TOKEN_SCOPES) return this.runScopes;
    const resources = new Set(own.map(resourceOf));
    const at = Math.max(
      0,
      this.runScopes.findIndex((s) => resources.has(resourceOf(s))),
    );
    const start = Math.floor(at / MAX_TOKEN_SCOPES) * MAX_TOKEN_SCOPES;
    return this.runScopes.slice(start, start + MAX_TOKEN_SCOPES);
  }

  /**
   * False when the token these scopes would be sent with says it does not grant them all (a
   * token service that left a scope out: Docker Hub without the source's pull, older GitLab's
   * one scope per token). Then a request needing all of them, such as a mount, is refused for
   * sure; true or undefined otherwise (no token yet, an opaque token, Basic).
   */
  grants(scopes: readonly string[]): boolean | undefined {
    if (this.basic || !this.bearer) return undefined;
    const token = this.covering(scopes) ?? this.tokens.at(-1);
    const granted = token ? grantedScopes(token.value) : undefined;
    return granted === undefined ? undefined : scopesCover(granted, scopes);
  }

  private authorize(req: HttpRequest, scopes: readonly string[]): HttpRequest {
    const value = this.authorization(scopes);
    return value ? { ...req, headers: { ...req.headers, authorization: value } } : req;
  }

  private authorization(scopes: readonly string[]): string | undefined {
    if (this.basic && this.credential?.kind === 'basic') {
      return `Basic ${Buffer.from(`${this.credential.username}:${this.credential.password}`).toString('base64')}`;
    }
    if (!this.bearer) return undefined;
    const best = this.covering(scopes);
    if (best) return `Bearer ${best.value}`;
    const newest = this.tokens.at(-1);
    return newest ? `Bearer ${newest.value}` : undefined;
  }

  /** The newest live token covering `scopes`, by what it was asked for (unless it was refused since). */
  private covering(scopes: readonly string[]): Token | undefined {
    const now = Date.now();
    this.tokens = this.tokens.filter((t) => t.expiresAt > now);
    for (let i = this.tokens.length - 1; i >= 0; i--) {
      if (!this.tokens[i].refused && scopesCover(this.tokens[i].scopes, scopes)) return this.tokens[i];
    }
    return undefined;
  }

  /**
   * Requests refused at the same time share one pending fetch: its token is newer than the one
   * any of them was refused with. Sorted key: concurrent first requests ask for the same scopes
   * in another order.
   */
  private fetchToken(scopes: string[], combined: boolean): Promise<Token> {
    const key = [...scopes].sort().join(' ');
    const pending = this.pendingTokens.get(key);
    if (pending) return pending;
    const promise = this.requestToken(scopes, combined).finally(() => this.pendingTokens.delete(key));
    this.pendingTokens.set(key, promise);
    return promise;
  }

  private async requestToken(scopes: string[], combined: boolean): Promise<Token> {
    const challenge = this.bearer as Challenge;
    const realm = challenge.params.realm;
    if (!realm) throw new AuthError(`${this.registry}: the Bearer challenge has no realm`);
    const url = new URL(realm);
    const service = challenge.params.service;
    const credential = this.credential;
    let res: HttpResponse;
    if (credential?.kind === 'identity-token') {
      // OAuth2 refresh-token grant, as docker does with an identity token.
      const form = new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: credential.token,
        client_id: 'merge-multiarch-action',
      });
      if (service) form.set('service', service);
      if (scopes.length) form.set('scope', scopes.join(' '));
      res = await this.send({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: Buffer.from(form.toString()),
      });
    } else {
      if (service) url.searchParams.set('service', service);
      for (const scope of scopes) url.searchParams.append('scope', scope);
      const headers: Record<string, string> = {};
      if (credential?.kind === 'basic') {
        headers.authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
      }
      res = await this.send({ method: 'GET', url, headers });
    }
    if (res.status !== 200) {
      await discard(res);
      const who = credential ? 'with the configured credentials' : 'anonymously (no credentials found for it)';
      throw new AuthError(
        `${this.registry}: the token service ${res.url.origin}${res.url.pathname} refused ${who}: HTTP ${res.status}` +
          (credential ? '' : '; log in first, e.g. with docker/login-action'),
      );
    }
    const body = JSON.parse((await readBody(res, 1024 * 1024)).toString('utf8')) as {
      token?: string;
      access_token?: string;
      expires_in?: number;
    };
    const value = body.token ?? body.access_token;
    if (!value) throw new AuthError(`${this.registry}: the token service answered without a token`);
    this.mask(value);
    // Renew a little early; the spec's default lifetime is 60 s.
    const lifetime = Math.max(10, (body.expires_in ?? 60) - 5) * 1000;
    const token = { value, scopes, expiresAt: Date.now() + lifetime, combined, refused: false };
    this.tokens.push(token);
    return token;
  }
}

function withBearer(req: HttpRequest, token: Token): HttpRequest {
  return { ...req, headers: { ...req.headers, authorization: `Bearer ${token.value}` } };
}
