import type { Dispatcher } from 'undici';
import { isLoopbackRegistry, type Reference } from '../oci/reference';
import { Authenticator } from './auth';
import { repositoryScope } from './challenge';
import { RegistryClient } from './client';
import type { CredentialSource } from './credentials';
import { baseSend, createDispatcher, type Send } from './http';
import { withLogging, type WireStats } from './logging';
import { withRedirects } from './redirect';
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from './retry';

export interface RegistriesOptions {
  readonly sources: readonly Reference[];
  readonly targets: readonly Reference[];
  /** A dry run asks only for `pull` on the targets. */
  readonly push: boolean;
  readonly credentials: CredentialSource;
  readonly insecureRegistries: ReadonlySet<string>;
  readonly retry?: RetryPolicy;
  readonly dispatcher?: Dispatcher;
}

/**
 * One RegistryClient per registry host, all on one pooled dispatcher. The transport stack is
 * auth → redirects → retry → logging → base (design rules 10–12).
 */
export class Registries {
  readonly stats: WireStats = { requests: 0 };
  private readonly clients = new Map<string, Promise<RegistryClient>>();
  private readonly dispatcher: Dispatcher;
  private readonly send: Send;
  private readonly ownsDispatcher: boolean;

  constructor(private readonly options: RegistriesOptions) {
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher = options.dispatcher ?? createDispatcher();
    this.send = withRedirects(withRetry(withLogging(baseSend(this.dispatcher), this.stats), options.retry ?? DEFAULT_RETRY));
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

  client(registry: string): Promise<RegistryClient> {
    let client = this.clients.get(registry);
    if (!client) {
      client = this.options.credentials.get(registry).then((credential) => {
        const plainHttp = isLoopbackRegistry(registry) || this.options.insecureRegistries.has(registry);
        const auth = new Authenticator(registry, credential, this.send, this.scopesFor(registry));
        return new RegistryClient(registry, auth, plainHttp);
      });
      this.clients.set(registry, client);
    }
    return client;
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }
}
