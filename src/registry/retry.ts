import { discard, header, type HttpResponse, type Send } from './http';

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** The longest Retry-After honoured; a registry asking for more fails the step instead of stalling it. */
  readonly maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 250, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };

const RETRIABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

export function isRetriableStatus(status: number): boolean {
  return RETRIABLE_STATUS.has(status) || (status >= 500 && status !== 501 && status !== 505);
}

/** Network errors are retried; a dispatcher closed because the run is over is not. */
function isRetriableError(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code !== 'UND_ERR_DESTROYED' && code !== 'UND_ERR_CLOSED';
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Capped exponential backoff with full jitter (design rule 12). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(cap / 2 + (random() * cap) / 2);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Retries 408/429/5xx and network errors. A request body factory is called again on each
 * attempt, so streamed uploads re-open their source.
 */
export function withRetry(next: Send, policy: RetryPolicy = DEFAULT_RETRY, log?: (msg: string) => void): Send {
  return async (req) => {
    for (let attempt = 0; ; attempt++) {
      let res: HttpResponse;
      try {
        res = await next(req);
      } catch (err) {
        if (attempt + 1 >= policy.attempts || !isRetriableError(err)) throw err;
        const delay = backoffDelay(attempt, policy);
        log?.(`${req.method} ${req.url.toString()} failed (${(err as Error).message}); retrying in ${delay} ms`);
        await sleep(delay);
        continue;
      }
      if (!isRetriableStatus(res.status) || attempt + 1 >= policy.attempts) return res;
      const retryAfter = parseRetryAfter(header(res, 'retry-after'));
      if (retryAfter !== undefined && retryAfter > policy.maxRetryAfterMs) return res;
      await discard(res);
      const delay = Math.max(retryAfter ?? 0, backoffDelay(attempt, policy));
      log?.(`${req.method} ${req.url.toString()} answered ${res.status}; retrying in ${delay} ms`);
      await sleep(delay);
    }
  };
}
