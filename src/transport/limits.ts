import type { Protocol } from './protocol';
import { createLimiter } from '../util/concurrency';

type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

/**
 * Requests in flight per registry for the run's bulk work, mounts, copies and referrer lookups
 * (design rule 13). On HTTP/2, most of the streams one connection carries (`H2_STREAMS`, 100):
 * the rest stay free for the reads that decide the plan (source manifests, configs, tags), which
 * would otherwise queue behind a wave of mounts. On HTTP/1.1 one connection each.
 */
export function limitFor(protocol: Protocol): number {
  return protocol === 'h2' ? 80 : 32;
}

/** The transport a registry speaks: HTTP/2 streams are cheap, HTTP/1.1 connections are not. */
export type ProtocolOf = (registry: string) => Promise<Protocol>;

/**
 * One limiter per registry, sized by its transport once that is known.
 * The run shares one (`Registries.limits`) between the copy and the referrers lookups.
 */
export class RegistryLimits {
  private readonly limiters = new Map<string, Promise<Limiter>>();

  constructor(private readonly protocolOf: ProtocolOf = async () => 'http/1.1') {}

  async run<T>(registry: string, task: () => Promise<T>): Promise<T> {
    let limit = this.limiters.get(registry);
    if (!limit) {
      limit = this.protocolOf(registry).then((p) => createLimiter(limitFor(p)));
      this.limiters.set(registry, limit);
    }
    return (await limit)(task);
  }
}
