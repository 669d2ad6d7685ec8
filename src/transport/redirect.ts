import { discard, header, type HttpRequest, type HttpResponse, isCredentialHeader, type Send } from './http';
import { redactUrl } from './logging';

const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export class RedirectError extends Error {
  override name = 'RedirectError';
}

function withoutCredentials(headers: Readonly<Record<string, string>> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !isCredentialHeader(name)));
}

/** A 401 from a host we were sent to is not the registry's challenge: the auth layer must not answer it. */
function withoutChallenge(res: HttpResponse): HttpResponse {
  const headers = Object.fromEntries(Object.entries(res.headers).filter(([name]) => name.toLowerCase() !== 'www-authenticate'));
  return { ...res, headers };
}

/**
 * Follows redirects by hand (design rule 11): blob GETs are often sent to S3 or a CDN, and
 * `Authorization` must never travel to another origin (scheme, host and port), nor may a
 * redirect downgrade https to plain HTTP. Each answer is judged by the URL that answered it:
 * a loopback or listed registry asked over https may have answered over plain HTTP.
 */
export function withRedirects(next: Send): Send {
  return async (req) => {
    let current: HttpRequest = req;
    /** The origin that answered the request itself: the credentials belong to it. */
    let home: string | undefined;
    /** The request's URL as sent: plain HTTP after the fallback (design rule 14), named in errors. */
    let sent = req.url;
    for (let hop = 0; ; hop++) {
      const res = await next(current);
      if (home === undefined) {
        home = res.url.origin;
        sent = res.url;
      }
      const foreign = res.url.origin !== home;
      const location = header(res, 'location');
      if (!REDIRECTS.has(res.status) || location === undefined)
        return foreign && res.status === 401 ? withoutChallenge(res) : res;
      // Only reads are followed; a write answered with a redirect is the caller's to handle.
      if (current.method !== 'GET' && current.method !== 'HEAD') return res;
      await discard(res);
      if (hop >= MAX_REDIRECTS) {
        throw new RedirectError(`${req.method} ${redactUrl(sent)}: more than ${MAX_REDIRECTS} redirects`);
      }
      let target: URL;
      try {
        target = new URL(location, res.url);
      } catch {
        throw new RedirectError(`${req.method} ${redactUrl(res.url)}: the registry redirected to an invalid URL`);
      }
      if (target.protocol !== 'http:' && target.protocol !== 'https:') {
        throw new RedirectError(`${req.method} ${redactUrl(res.url)}: refusing a redirect to a ${target.protocol} URL`);
      }
      if (res.url.protocol === 'https:' && target.protocol === 'http:') {
        throw new RedirectError(
          `${req.method} ${redactUrl(res.url)}: refusing a redirect from https to plain HTTP (${redactUrl(target)})`,
        );
      }
      const headers = target.origin === home ? { ...current.headers } : withoutCredentials(current.headers);
      current = { ...current, url: target, headers };
    }
  };
}
