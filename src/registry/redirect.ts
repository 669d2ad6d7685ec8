import { discard, header, type Send } from './http';

const MAX_REDIRECTS = 5;

/**
 * Follows redirects by hand (design rule 11): blob GETs are often sent to S3 or a CDN, and
 * `Authorization` must never travel to another host.
 */
export function withRedirects(next: Send): Send {
  return async (req) => {
    let current = req;
    for (let hop = 0; ; hop++) {
      const res = await next(current);
      const location = header(res, 'location');
      if (![301, 302, 303, 307, 308].includes(res.status) || location === undefined || hop >= MAX_REDIRECTS) {
        return res;
      }
      // Only reads are followed; a write answered with a redirect is the caller's to handle.
      if (current.method !== 'GET' && current.method !== 'HEAD') return res;
      await discard(res);
      const target = new URL(location, current.url);
      const headers = { ...current.headers };
      if (target.host !== current.url.host) {
        delete headers.authorization;
        delete headers.Authorization;
      }
      current = { ...current, url: target, headers };
    }
  };
}
