import { say, setting, worded } from '../errors';
import { discard, type Send, TransportError } from './http';
import { counted } from '../util/words';

/**
 * Design rule 12: a host that stops answering is one outage, not one failure per request. The
 * first request that fails at the connection level opens the host's outage; from then on its
 * requests (those cut, and new ones) wait for the host together while one probe at a time asks
 * it, with back-off, whether it is back. When it answers, the held requests go out again; when it
 * has not answered for `giveUpMs` since the first failure, every one of them fails with one error
 * that says so, and the host stays given up for the rest of the run.
 */
export interface OutagePolicy {
  /** How long a host may stay unreachable, counted from its first failed request. */
  readonly giveUpMs: number;
  /** Waits between two probes: doubling from the first, up to the longest. */
  readonly probeBaseMs: number;
  readonly probeMaxMs: number;
  /** A probe with no answer after this long has failed (a host that swallows connections). */
  readonly probeTimeoutMs: number;
  /**
   * Design rule 17: how long a host that has not answered once in the run may refuse
   * connections before the run gives up on it (a wrong address, not an outage). Undefined: it
   * waits as long as any outage.
   */
  readonly firstContactMs?: number;
}

/**
 * A minute: hosted registries restart and fail over in seconds to tens of seconds, and a job
 * stuck for longer is better failed. The probe cap bounds how late a comeback is noticed.
 */
export const DEFAULT_OUTAGE: OutagePolicy = {
  giveUpMs: 60_000,
  probeBaseMs: 250,
  probeMaxMs: 2_000,
  probeTimeoutMs: 5_000,
  firstContactMs: 5_000,
};

/** What the outages write: one line when a host stops answering and one when it is back (info); the rest is debug. */
export interface OutageLog {
  info(message: string): void;
  debug(message: string): void;
}

/** The run gave up on a host: it did not answer for the whole of the policy's limit. */
export class OutageError extends TransportError {
  override name = 'OutageError';
}

/**
 * What a failed request learns from `Outages.failed`: `outage` when its host was found down
 * (the request waited until it answered again), `isolated` when the host answered at once (the
 * failure was the request's own: it backs off and retries on its own, as before).
 */
export type Verdict = 'outage' | 'isolated';

interface Outage {
  /** When the first request failed. */
  readonly since: number;
  /** Settles when the outage is over: resolved when the host answers, rejected when the run gives up on it. */
  readonly over: Promise<void>;
  /** A probe failed too: the host is down, not one request unlucky. */
  confirmed: boolean;
  /** Requests that waited for it (the first failure included). */
  held: number;
  /** The host had not answered once in the run when it failed: a wrong address, given `firstContactMs` (rule 17). */
  readonly firstContact: boolean;
  probes: number;
  /** How the host failed, each way once, in order (`connection refused`, `timed out` …). */
  readonly failures: string[];
  /** The last failure, kept as the cause of the error when the run gives up. */
  last: TransportError;
  /** The failure that opened it. */
  readonly first: TransportError;
}

/** Probe answers that still mean "down": a load balancer with no backend behind it. */
const DOWN_STATUSES = new Set([502, 503, 504]);

export class Outages {
  private readonly open = new Map<string, Outage>();
  /** Per host, when its last outage (a probe failed) began: a request sent before then was cut by it. */
  private readonly lastOutage = new Map<string, number>();
  /** Hosts the run gave up on, with the error every later request to them fails with. */
  private readonly dead = new Map<string, OutageError>();
  /** Hosts that answered once in this run (any HTTP answer): their failures are outages (rule 17). */
  private readonly heard = new Set<string>();
  private readonly stop = new AbortController();

  constructor(
    /** Sends a probe: the transport below the retries (no auth, no redirects, no retry). */
    private readonly probe: Send,
    private readonly policy: OutagePolicy,
    private readonly log: OutageLog,
  ) {}

  /**
   * Undefined when `url`'s host may be sent to now; else a promise that settles when it may
   * (its outage is over) or rejects when the run gave up on it.
   */
  ready(url: URL): Promise<void> | undefined {
    const dead = this.dead.get(url.host);
    if (dead) return Promise.reject(dead);
    const outage = this.open.get(url.host);
    if (outage === undefined) return undefined;
    outage.held++;
    return outage.over;
  }

  /** `url`'s host answered a request (any status): from now on a failure of it is an outage (rule 17). */
  answered(url: URL): void {
    this.heard.add(url.host);
  }

  /**
   * Design rule 17: a failure no attempt will change (a host name that does not resolve, a server
   * that does not speak HTTP, or a refusal when no attempt is left), of a host that has not
   * answered once in the run, in the words that fit a wrong address; undefined otherwise.
   */
  unanswered(url: URL, err: unknown): TransportError | undefined {
    if (this.heard.has(url.host) || !(err instanceof TransportError) || err instanceof OutageError) return undefined;
    const kind = firstContactKind(err);
    return kind === undefined ? undefined : nothingAnswers(url.host, kind, err);
  }

  /**
   * A request to `url` (`what`, for the debug log), sent at `sentAt`, failed at the connection
   * level (`err`, retriable). Opens the host's outage unless one is open, and waits until it is
   * over; rejects with an `OutageError` when the run gives up on the host.
   */
  async failed(what: string, url: URL, err: TransportError, sentAt?: number): Promise<Verdict> {
    const host = url.host;
    const dead = this.dead.get(host);
    if (dead) throw dead;
    let outage = this.open.get(host);
    // A request sent before the host's last outage began, whose failure shows only now (a body
    // nobody read while it lasted): that outage cut it, and it is over.
    if (outage === undefined && sentAt !== undefined && this.cutBy(host, sentAt)) {
      this.log.debug(`${what}: ${err.message}; cut by the outage of ${host}, which is over`);
      return 'outage';
    }
    if (outage) outage.held++;
    else outage = this.start(url, err);
    this.log.debug(`${what}: ${err.message}; waiting for ${host} to answer`);
    await outage.over;
    return outage.confirmed ? 'outage' : 'isolated';
  }

  /** True when an outage of `host` began after `sentAt`: a request sent then was cut by it. */
  cutBy(host: string, sentAt: number): boolean {
    const last = this.lastOutage.get(host);
    return last !== undefined && last >= sentAt;
  }

  /** Ends every probe and releases whoever waits (the run is over). */
  close(): void {
    this.stop.abort();
  }

  private start(url: URL, err: TransportError): Outage {
    let resolve = (): void => undefined;
    let reject = (_: Error): void => undefined;
    const over = new Promise<void>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // Settled whether or not anyone still waits for it.
    over.catch(() => undefined);
    const firstContact =
      this.policy.firstContactMs !== undefined && !this.heard.has(url.host) && firstContactKind(err) !== undefined;
    const outage: Outage = {
      since: Date.now(),
      over,
      confirmed: false,
      held: 1,
      probes: 0,
      failures: [],
      last: err,
      first: err,
      firstContact,
    };
    this.open.set(url.host, outage);
    noteFailure(outage, err);
    void this.watch(url, outage).then(
      () => {
        this.open.delete(url.host);
        resolve();
      },
      (error: Error) => {
        this.open.delete(url.host);
        if (error instanceof OutageError) this.dead.set(url.host, error);
        reject(error);
      },
    );
    return outage;
  }

  /** Probes the host until it answers (resolves), or until the limit (rejects with the run's error). */
  private async watch(url: URL, outage: Outage): Promise<void> {
    const host = url.host;
    const limit = outage.firstContact
      ? Math.min(this.policy.giveUpMs, this.policy.firstContactMs ?? Infinity)
      : this.policy.giveUpMs;
    const deadline = outage.since + limit;
    const giveUp = new AbortController();
    const timer = setTimeout(() => giveUp.abort(), Math.max(0, deadline - Date.now()));
    const signal = AbortSignal.any([giveUp.signal, this.stop.signal]);
    try {
      for (let n = 0; ; n++) {
        const failure = await this.probeOnce(url, Math.min(this.policy.probeTimeoutMs, deadline - Date.now()), signal);
        if (signal.aborted) break;
        if (failure === undefined) {
          this.heard.add(host);
          if (outage.confirmed) {
            const seconds = ((Date.now() - outage.since) / 1000).toFixed(1);
            this.log.info(`${host} answers again after ${seconds} s; ${counted(outage.held, 'held request')} go on`);
          }
          return;
        }
        noteFailure(outage, failure);
        if (!outage.confirmed) {
          outage.confirmed = true;
          this.lastOutage.set(host, outage.since);
          this.log.info(
            outage.firstContact
              ? `${host} does not answer (${outage.failures.join(', ')}): it has not answered in this run, so its ` +
                  `requests wait for it ${seconds(limit)} s at most (a wrong address fails fast)`
              : `${host} stopped answering (${outage.failures.join(', ')}): its requests wait for it, ` +
                  `trying it again for up to ${seconds(this.policy.giveUpMs)} s`,
          );
        }
        const delay = Math.min(this.policy.probeMaxMs, this.policy.probeBaseMs * 2 ** n);
        await pause(delay, signal);
        if (signal.aborted) break;
      }
    } finally {
      clearTimeout(timer);
    }
    if (this.stop.signal.aborted) {
      throw new TransportError(`${host}: the run ended while waiting for it to answer`, host, outage.last.code, false);
    }
    if (outage.firstContact) throw nothingAnswers(host, firstContactKind(outage.first) ?? failureKind(outage.first), outage.last);
    const gaveUp = new OutageError('', host, outage.last.code, false, { cause: outage.last });
    throw worded(
      gaveUp,
      say`${host} did not answer for ${seconds(Date.now() - outage.since)} s (${outage.failures.join(', ')}; ${counted(outage.probes + 1, 'attempt')} since its first failure); gave up on it. A registry known to restart slowly can be given longer with ${setting('outage-timeout')}`,
    );
  }

  /** One probe: undefined when the host answered, else how it failed. */
  private async probeOnce(url: URL, timeoutMs: number, signal: AbortSignal): Promise<TransportError | undefined> {
    if (signal.aborted) return undefined;
    // The API root: every registry answers it (200 or 401), a token service or a blob host
    // with some status; any answer but a gateway's "no backend" says the host is back.
    const probeUrl = new URL('/v2/', url.origin);
    const pending = this.probe({ method: 'GET', url: probeUrl });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(0, timeoutMs))));
    let onAbort = (): void => undefined;
    const aborted = new Promise<'aborted'>((resolve) => {
      onAbort = () => resolve('aborted');
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      const result = await Promise.race([
        pending.then(
          (res) => ({ res }),
          (error: unknown) => ({ error }),
        ),
        timedOut,
        aborted,
      ]);
      if (result === 'aborted') return undefined;
      if (result === 'timeout') {
        pending.then(
          (late) => discard(late),
          () => undefined,
        );
        return new TransportError(`no answer to a probe within ${timeoutMs} ms`, url.host, 'UND_ERR_HEADERS_TIMEOUT', true);
      }
      if ('res' in result) {
        await discard(result.res);
        if (!DOWN_STATUSES.has(result.res.status)) return undefined;
        return new TransportError(`answered ${result.res.status}`, url.host, `HTTP_${result.res.status}`, true);
      }
      // A failure that another attempt cannot change (a certificate nobody trusts) is an
      // answer: the held requests go on and meet it themselves.
      const error = result.error;
      return error instanceof TransportError && error.retriable ? error : undefined;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      // Counted even when abandoned: it was sent.
      this.countProbe(url.host);
    }
  }

  private countProbe(host: string): void {
    const outage = this.open.get(host);
    if (outage) outage.probes++;
  }
}

function noteFailure(outage: Outage, err: TransportError): void {
  outage.last = err;
  const kind = failureKind(err);
  if (!outage.failures.includes(kind)) outage.failures.push(kind);
}

/** How a connection failed, in the words a user searches for. */
export function failureKind(err: TransportError): string {
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (/^(ECONNRESET|EPIPE|ECONNABORTED|UND_ERR_SOCKET|UND_ERR_RES_CONTENT_LENGTH_MISMATCH)$/.test(code))
    return 'connection reset';
  if (/TIMEOUT|^ETIMEDOUT$/.test(code)) return 'timed out';
  if (code === 'EAI_AGAIN' || code === 'ENOTFOUND') return 'DNS lookup failed';
  if (/^(ENETUNREACH|ENETDOWN|EHOSTUNREACH|EHOSTDOWN)$/.test(code)) return 'network unreachable';
  if (code.startsWith('HTTP_')) return `answered ${code.slice(5)}`;
  return code || err.message;
}

/**
 * Design rule 17: how a host failed when the failure says nothing answers at that address at
 * all (nothing listens, no such name, no HTTP spoken there); undefined for failures of a host
 * that is there (a reset, a timeout, a temporary DNS failure).
 */
function firstContactKind(err: TransportError): string | undefined {
  const code = err.code ?? '';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND') return 'no such host name';
  if (code.startsWith('HPE_')) return 'not HTTP';
  return undefined;
}

/** The error of a wrong address: it says so, and what to check. */
function nothingAnswers(host: string, kind: string, cause: TransportError): OutageError {
  return new OutageError(`nothing answers at ${host} (${kind}): check the address`, host, cause.code, false, { cause });
}

/** Waits `ms`, or less when `signal` aborts first. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function seconds(ms: number): string {
  return String(Math.round(ms / 1000));
}
