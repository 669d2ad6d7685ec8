import type { Dispatcher } from 'undici';
import type { Log, MaskSecret } from '../util/log';
import { apiHost, isLoopbackRegistry, type Reference } from '../oci/reference';
import { Authenticator } from './auth';
import { repositoryScope } from './challenge';
import { RegistryClient } from './client';
import type { CredentialSource } from './credentials';
import { baseSend, createDispatcher, DEFAULT_TIMEOUTS, type Send, type TransportTimeouts } from '../transport/http';
import { DOCKER_HUB_HOSTS, withHubCount } from '../transport/hubCount';
import { RegistryLimits } from '../transport/limits';
import { withLogging, type WireStats } from '../transport/logging';
import type { OriginRouter } from '../transport/origins';
import type { Protocol } from '../transport/protocol';
import { earlyPlan, plainHttpAllowed, type Preconnections, type RepositoryName } from '../transport/preconnect';
import { withRedirects } from '../transport/redirect';
import { DEFAULT_OUTAGE, type OutagePolicy, Outages } from '../transport/outage';
import { SchemeProbe } from '../transport/scheme';
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from '../transport/retry';

export interface RegistriesOptions {
  readonly sources: readonly RepositoryName[];
  readonly targets: readonly Reference[];
  /** A dry run asks only for `pull` on the targets. */
  readonly push: boolean;
  /** May still be loading: clients wait for it, connections do not. */
  readonly credentials: CredentialSource | Promise<CredentialSource>;
  /** Retries (info), every request (debug), and the tokens to mask. */
  readonly log: Log & { readonly secret: MaskSecret };
  readonly insecureRegistries: ReadonlySet<string>;
  readonly retry?: RetryPolicy;
  /** How long a registry (or its token service) may stay unreachable before the run gives up on it. */
  readonly outageTimeoutMs?: number;
  readonly timeouts?: TransportTimeouts;
  readonly dispatcher?: RunDispatcher;
  /** Connections the front end opened while the tool loaded (`Preconnections`), adopted by the transport. */
  readonly preconnected?: Preconnections;
  /** Hosts whose manifest GETs count as Docker Hub pulls: Hub's own, and `MERGE_ACTION_HUB_HOSTS` unless given. */
  readonly hubHosts?: ReadonlySet<string>;
}

/** The base dispatcher, and what an `OriginRouter` adds to it. */
export type RunDispatcher = Dispatcher &
  Partial<Pick<OriginRouter, 'preconnect' | 'preconnectPlain' | 'protocol' | 'handshakeFailure' | 'connectionsUsed'>>;

/** What the transport may be tuned with; the action uses the defaults. */
export interface TransportSettings {
  readonly retry: RetryPolicy;
  readonly timeouts: TransportTimeouts;
}

/**
 * TEST-ONLY knobs, read once at the edge (main.ts): the end-to-end tests run the built action
 * and cannot pass a policy, yet must not wait for production backoffs and timeouts. Users have
 * no reason to set them; a malformed value fails the step naming the variable.
 */
export const TRANSPORT_ENV = {
  attempts: 'MERGE_ACTION_RETRY_ATTEMPTS',
  baseDelayMs: 'MERGE_ACTION_RETRY_BASE_MS',
  maxDelayMs: 'MERGE_ACTION_RETRY_MAX_MS',
  maxRetryAfterMs: 'MERGE_ACTION_RETRY_AFTER_MAX_MS',
  timeoutMs: 'MERGE_ACTION_TIMEOUT_MS',
  /** Hosts (`127.0.0.1:5000`, comma-separated) counted as Docker Hub's, so a test's registry stands in for it. */
  hubHosts: 'MERGE_ACTION_HUB_HOSTS',
} as const;

export function transportSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): TransportSettings {
  const read = (name: string, fallback: number, min: number): number => {
    const raw = env[name]?.trim();
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min) throw new Error(`${name}="${raw}" is not an integer of at least ${min}`);
    return Number(raw);
  };
  const timeout = read(TRANSPORT_ENV.timeoutMs, 0, 1);
  return {
    retry: {
      attempts: read(TRANSPORT_ENV.attempts, DEFAULT_RETRY.attempts, 1),
      baseDelayMs: read(TRANSPORT_ENV.baseDelayMs, DEFAULT_RETRY.baseDelayMs, 0),
      maxDelayMs: read(TRANSPORT_ENV.maxDelayMs, DEFAULT_RETRY.maxDelayMs, 0),
      maxRetryAfterMs: read(TRANSPORT_ENV.maxRetryAfterMs, DEFAULT_RETRY.maxRetryAfterMs, 0),
    },
    timeouts: timeout === 0 ? DEFAULT_TIMEOUTS : { headersMs: timeout, bodyMs: timeout, connectMs: timeout },
  };
}

/** Docker Hub's hosts, and the hosts the test-only knob adds. */
export function hubHostsFromEnv(env: Readonly<Record<string, string | undefined>>): ReadonlySet<string> {
  const extra = (env[TRANSPORT_ENV.hubHosts] ?? '').split(',').map((h) => h.trim().toLowerCase());
  return new Set([...DOCKER_HUB_HOSTS, ...extra.filter((h) => h !== '')]);
}

/**
 * One RegistryClient per registry host, all on one pooled dispatcher. The transport stack is
 * auth → redirects → retry (with the outages of each host) → scheme → logging → base
 * (design rules 10–12, 14).
 */
export class Registries {
  readonly stats: WireStats = { requests: 0, hubCountedRequests: 0 };
  /** Requests in flight per registry, by the transport each speaks (design rule 13). */
  readonly limits = new RegistryLimits((registry) => this.protocol(registry));
  private readonly clients = new Map<string, Promise<RegistryClient>>();
  private readonly dispatcher: RunDispatcher;
  private readonly send: Send;
  private readonly ownsDispatcher: boolean;
  private readonly retry: RetryPolicy;
  /** Retries are worth seeing in the log: a slow run says why. URLs are redacted by the callers. */
  private readonly retryLog: (message: string) => void;
  /** Per host: its requests wait for it together while it does not answer (design rule 12). */
  private readonly outages: Outages;
  private readonly hubHosts: ReadonlySet<string>;

  constructor(private readonly options: RegistriesOptions) {
    this.ownsDispatcher = options.dispatcher === undefined;
    const loopbackHosts = [...options.sources, ...options.targets].map((r) => r.registry).filter(isLoopbackRegistry);
    const dispatcher: RunDispatcher =
      options.dispatcher ?? createDispatcher({ timeouts: options.timeouts, loopbackHosts, preconnected: options.preconnected });
    this.dispatcher = dispatcher;
    // Every host is known from the inputs: open the connections of the first burst while the
    // run gets ready (the router adopts those the front end opened before loading the rest:
    // `preconnected`), the TLS handshake and the connections beside it (`earlyPlan`).
    // For a loopback or listed registry that handshake is also the probe for plain HTTP, and
    // its plain connections are opened with it (closed if it speaks TLS).
    const aheadHosts = new Set<string>();
    for (const registry of new Set([...options.targets, ...options.sources].map((r) => r.registry))) {
      const plainAllowed = plainHttpAllowed(registry, options.insecureRegistries);
      const plan = earlyPlan(registry, options, plainAllowed);
      dispatcher.preconnect?.(`https://${apiHost(registry)}`, plan.spare);
      if (plainAllowed && dispatcher.preconnectPlain) {
        dispatcher.preconnectPlain(`http://${apiHost(registry)}`, plan.plain);
        // The first reads may go out on them while the handshake decides (design rule 14).
        aheadHosts.add(apiHost(registry));
      }
    }
    this.retry = options.retry ?? DEFAULT_RETRY;
    const timeouts = options.timeouts ?? DEFAULT_TIMEOUTS;
    this.retryLog = (message) => options.log.info(message);
    // HTTPS first everywhere; where design rule 14 allows plain HTTP, the early handshake (or,
    // without one, the first request) tells whether the server speaks TLS.
    const scheme = new SchemeProbe((host) => plainHttpAllowed(host, options.insecureRegistries), {
      log: (message) => options.log.debug(message),
      handshakeFailure: dispatcher.handshakeFailure?.bind(dispatcher),
      aheadHosts,
    });
    const base = baseSend(scheme.observe(this.dispatcher), timeouts.headersMs);
    // Read here when not given, so the test-only knob reaches a run from either front end.
    this.hubHosts = options.hubHosts ?? hubHostsFromEnv(process.env);
    const once = scheme.layer(withLogging(withHubCount(base, this.hubHosts, this.stats), options.log, this.stats));
    // A probe is no longer than a request's own wait for headers (tests shorten that one).
    const outage: OutagePolicy = {
      ...DEFAULT_OUTAGE,
      giveUpMs: options.outageTimeoutMs ?? DEFAULT_OUTAGE.giveUpMs,
      probeTimeoutMs: Math.min(DEFAULT_OUTAGE.probeTimeoutMs, timeouts.headersMs),
    };
    this.outages = new Outages(once, outage, options.log);
    this.send = withRedirects(withRetry(once, this.retry, this.retryLog, this.outages));
  }

  /** Scopes this run needs on a registry: targets `pull,push` first, then sources `pull`. */
  scopesFor(registry: string): string[] {
    const scopes: string[] = [];
    for (const t of this.options.targets) {
      if (t.registry === registry) scopes.push(repositoryScope(t.repository, this.options.push ? 'pull,push' : 'pull'));
    }
    for (const s of this.options.sources) {
      if (s.registry === registry) scopes.push(repositoryScope(s.repository, 'pull'));
    }
    return [...new Set(scopes)];
  }

  /** The transport a registry speaks: h2 where its TLS handshake chose it (design rule 13). */
  async protocol(registry: string): Promise<Protocol> {
    // A plain-HTTP registry failed its handshake: the router says http/1.1 for it.
    return (await this.dispatcher.protocol?.(`https://${apiHost(registry)}`)) ?? 'http/1.1';
  }

  client(registry: string): Promise<RegistryClient> {
    let client = this.clients.get(registry);
    if (!client) {
      client = Promise.resolve(this.options.credentials)
        .then((credentials) => credentials.get(registry))
        .then((credential) => {
          const secret = this.options.log.secret;
          const auth = new Authenticator(registry, credential, this.send, this.scopesFor(registry), secret);
          // HTTPS; the scheme layer falls back to plain HTTP where design rule 14 allows it.
          return new RegistryClient(registry, auth, false, this.retry, this.retryLog, this.outages);
        });
      this.clients.set(registry, client);
    }
    return client;
  }

  /** Whether Docker Hub's pull limit counts the manifest GETs this registry serves. */
  isHub(registry: string): boolean {
    return this.hubHosts.has(apiHost(registry));
  }

  /** The requests Docker Hub counted so far, when a registry of the run is Hub's; else undefined. */
  get hubCounted(): number | undefined {
    const registries = [...this.options.sources, ...this.options.targets].map((r) => r.registry);
    return registries.some((r) => this.isHub(r)) ? this.stats.hubCountedRequests : undefined;
  }

  /**
   * Ends the run's connections. The outcome is decided by now: whatever is still in flight (the
   * siblings of a request that failed) is aborted, not waited for, so closing cannot hang.
   */
  async close(): Promise<void> {
    this.outages.close();
    if (this.hubCounted !== undefined) {
      this.options.log.debug(`Docker Hub counted ${this.stats.hubCountedRequests} requests (manifest GETs; HEADs are free)`);
    }
    for (const used of this.dispatcher.connectionsUsed?.() ?? []) {
      if (used.connections + used.unused === 0) continue;
      const unused = used.unused > 0 ? `; ${used.unused} opened early and closed unused` : '';
      this.options.log.debug(
        `connections to ${used.origin}: ${used.connections} (${used.transport}), at most ${used.mostInFlight} requests in flight at once${unused}`,
      );
    }
    if (this.ownsDispatcher) await this.dispatcher.destroy();
  }
}
