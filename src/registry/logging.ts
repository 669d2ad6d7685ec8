import type { Log } from '../flow/reporter';
import type { Send } from './http';

/** Counts what went over the wire; the job summary and the benchmarks report it. */
export interface WireStats {
  requests: number;
}

/**
 * Debug line per HTTP request (visible with RUNNER_DEBUG=1): method, URL, status, milliseconds.
 * URLs never carry credentials here, and headers are not printed.
 */
export function withLogging(next: Send, log: Pick<Log, 'debug'>, stats?: WireStats): Send {
  return async (req) => {
    const started = Date.now();
    if (stats) stats.requests++;
    try {
      const res = await next(req);
      log.debug(`${req.method} ${redactUrl(req.url)} → ${res.status} (${Date.now() - started} ms)`);
      return res;
    } catch (err) {
      log.debug(`${req.method} ${redactUrl(req.url)} → ${(err as Error).message} (${Date.now() - started} ms)`);
      throw err;
    }
  };
}

/** Drops user info and signed-URL query strings (S3 redirects carry signatures). */
export function redactUrl(url: URL): string {
  const copy = new URL(url.toString());
  copy.username = '';
  copy.password = '';
  for (const key of [...copy.searchParams.keys()]) {
    if (/signature|token|credential|x-amz-|sig$/i.test(key)) copy.searchParams.set(key, 'REDACTED');
  }
  return copy.toString();
}
