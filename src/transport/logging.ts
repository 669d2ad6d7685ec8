import type { Log } from '../util/log';
import type { Send } from './http';
import { redactUrl } from './redact';

export { redactUrl } from './redact';

/** Counts what went over the wire; the job summary and the benchmarks report it. */
export interface WireStats {
  requests: number;
  /** Manifest GETs Docker Hub served: what its pull limit counts (`hubCount.ts`). */
  hubCountedRequests: number;
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
