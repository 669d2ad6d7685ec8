import { describeTransportError, discard, header, type HttpResponse, isRetriableCode, type Send, TransportError } from './http';
import { redactUrl } from './logging';
import type { Outages } from './outage';

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

/**
 * Only failures of the connection are retried (reset, refused, timed out). A certificate
 * nobody trusts, a digest mismatch, or a dispatcher closed because the run is over are not:
 * trying again cannot change them.
 */
export function isRetriableError(err: unknown): boolean {
  if (err instanceof TransportError) return err.retriable;
  const code = (err as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && isRetriableCode(code);
}

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Capped exponential backoff with jitter (design rule 12): between half and all of the cap. */
export function backoffDelay(attempt: number, policy: RetryPolicy, random = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(cap / 2 + (random() * cap) / 2);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Retries 408/429/5xx and connection failures. A request body factory is called again on each
 * attempt, so streamed uploads re-open their source.
 *
 * With `outages` (design rule 12), a request waits before it is sent while its host is in an
 * outage, and a connection failure asks the outages whether the host is down: if so, the
 * request waits for it with the others (its detail goes to the debug log, the outage says the
 * rest once); if the host answered at once, the failure was the request's own and it backs off
 * on its own. Either way the attempt counts, so a request that keeps failing still ends.
 */
export function withRetry(next: Send, policy: RetryPolicy = DEFAULT_RETRY, log?: (msg: string) => void, outages?: Outages): Send {
  return async (req) => {
    for (let attempt = 0; ; attempt++) {
      let res: HttpResponse;
      let sentAt: number | undefined;
      try {
        await outages?.ready(req.url);
        sentAt = Date.now();
        res = await next(req);
        outages?.answered(req.url);
      } catch (err) {
        // A host that never answered: a wrong address is said so (design rule 17).
        if (attempt + 1 >= policy.attempts || !isRetriableError(err)) throw outages?.unanswered(req.url, err) ?? err;
        // Named by the URL used: plain HTTP after the fallback (design rule 14), not the https one asked for.
        const what = `${req.method} ${redactUrl(err instanceof TransportError && err.url ? err.url : req.url)}`;
        if (outages && (await outages.failed(what, req.url, asTransportError(err, req.url), sentAt)) === 'outage') continue;
        const delay = backoffDelay(attempt, policy);
        log?.(`${what} failed (${(err as Error).message}); retrying in ${delay} ms`);
        await sleep(delay);
        continue;
      }
      if (!isRetriableStatus(res.status) || attempt + 1 >= policy.attempts) return res;
      const retryAfter = parseRetryAfter(header(res, 'retry-after'));
      // Asked to wait longer than we may: give the answer back, the caller names it in its error.
      if (retryAfter !== undefined && retryAfter > policy.maxRetryAfterMs) return res;
      await discard(res);
      const delay = Math.max(retryAfter ?? 0, backoffDelay(attempt, policy));
      log?.(`${req.method} ${redactUrl(res.url)} answered ${res.status}; retrying in ${delay} ms`);
      await sleep(delay);
    }
  };
}

function asTransportError(err: unknown, url: URL): TransportError {
  return err instanceof TransportError ? err : describeTransportError(err, url);
}

/**
 * For a response body that broke off after its headers arrived (which `withRetry` cannot see):
 * throws `err` when it is not worth another attempt or none is left, else waits: for the host
 * with the others when `outages` finds it down (`url`: where the body came from, `sentAt`: when
 * its request was sent), else the backoff.
 * The caller then sends its request again.
 */
export async function backOffOrThrow(
  err: unknown,
  attempt: number,
  policy: RetryPolicy,
  log?: (msg: string) => void,
  outage?: { readonly outages: Outages; readonly url: URL; readonly sentAt: number },
): Promise<void> {
  if (attempt + 1 >= policy.attempts || !isRetriableError(err)) throw err;
  const message = (err as Error).message;
  if (
    outage &&
    (await outage.outages.failed('the answer broke off', outage.url, asTransportError(err, outage.url), outage.sentAt)) ===
      'outage'
  )
    return;
  const delay = backoffDelay(attempt, policy);
  log?.(`${message}; reading again in ${delay} ms`);
  await sleep(delay);
}
