/**
 * The lower bound of each scenario: the round trips no client can avoid, in sequence, times the
 * RTT, plus the connection setups that cannot overlap. Written as steps so the report can print
 * the derivation next to the number.
 */
import type { Latency } from './latencyProxy';
import { overTls, type Transport } from './scenarios';

export interface LowerBound {
  /** Sequential round trips, each with why it cannot be skipped or overlapped. */
  readonly steps: readonly string[];
  /** Connection setups that cannot overlap each other. */
  readonly setups: readonly string[];
  /**
   * How many of them are TLS connections in the TLS mode (the token service stays plain): each
   * pays one more round trip there, the TLS 1.3 handshake, on top of the modelled setup cost.
   */
  readonly tlsSetups: number;
  /** What a client may overlap or skip, and so does not count. */
  readonly notCounted: readonly string[];
  /** Payload bytes that must cross the wire (cross-registry copies); 0 otherwise. */
  readonly payloadBytes: number;
  /**
   * Round trips the action's own design adds: it writes nothing (no mount, no upload) before
   * every source is resolved and the plan is made, so writes cannot overlap config GETs.
   */
  readonly designExtra: readonly string[];
}

/** Round trips of the bound: the sequential steps, plus the TLS handshakes over TLS. */
export function roundTrips(lb: LowerBound, transport: Transport): number {
  return lb.steps.length + (overTls(transport) ? lb.tlsSetups : 0);
}

export function lowerBoundMs(lb: LowerBound, latency: Latency, transport: Transport): number {
  return lb.setups.length * latency.setupMs + roundTrips(lb, transport) * 2 * latency.oneWayMs;
}

/** The bound for a client that, like the action, writes nothing before every source is resolved. */
export function designBoundMs(lb: LowerBound, latency: Latency, transport: Transport): number {
  return lowerBoundMs(lb, latency, transport) + lb.designExtra.length * 2 * latency.oneWayMs;
}

const ONE_SETUP = 'one connection setup: every host is known from the inputs, so all connections can be opened at once';

/** (a) plain manifests, sources already in the target repository. */
export function plainSameRepository(): LowerBound {
  return {
    steps: [
      'GET each source manifest by tag (all sources at once): its config digest is unknown before',
      'GET each config blob (at once): a plain manifest names no platform, the config does',
      'PUT the index under the tag: its entries need the platforms',
    ],
    setups: [ONE_SETUP],
    tlsSetups: 1,
    notCounted: [
      'HEAD of the target tag: it needs nothing, so it overlaps step 1',
      'copying children: they are already in the target repository',
    ],
    payloadBytes: 0,
    designExtra: [],
  };
}

/** (b) buildx sources (index + attestation) in their own repositories, target in a third. */
export function buildxOtherRepositories(): LowerBound {
  return {
    steps: [
      'GET each source index by tag: the image manifest digest (and its platform, so no config GET) is in it',
      'GET the image manifest by digest: its bytes go into the target and it names the blobs',
      'mount its config and layers into the target repository (POST ?mount=&from=, all at once): a mount of a present blob answers 201, so no HEAD is needed first',
      'PUT the image manifest by digest into the target: Distribution refuses it until its blobs are there',
      'PUT the index under the tag: Distribution refuses it until its children are there',
    ],
    setups: [ONE_SETUP],
    tlsSetups: 1,
    notCounted: [
      'HEAD of the target tag and of the child in the target: both overlap steps 1–3',
      'attestation manifests: stripped by default, never fetched',
    ],
    payloadBytes: 0,
    designExtra: [],
  };
}

/** (c) plain manifests, each source in its own repository. */
export function plainOtherRepositories(): LowerBound {
  return {
    steps: [
      'GET each source manifest by tag (all at once)',
      'GET each config blob for the platform and, at the same time, mount every config and layer into the target (the manifest names them all)',
      'PUT each image manifest by digest into the target (after its blobs)',
      'PUT the index under the tag (after its children and the platforms)',
    ],
    setups: [ONE_SETUP + '; unbounded parallelism is assumed (HTTP/2, pipelining or one connection per request opened together)'],
    tlsSetups: 1,
    notCounted: [
      'HEADs before mounts and before the tag PUT: a mount answers 201 for a present blob; the tag HEAD overlaps step 1',
    ],
    payloadBytes: 0,
    designExtra: ['the mounts wait for every config GET (nothing is written before the plan)'],
  };
}

/** (d) = (c) on a token-auth registry; the token service is another host behind the same latency. */
export function plainOtherRepositoriesWithToken(): LowerBound {
  const c = plainOtherRepositories();
  return {
    steps: [
      'the first request is answered 401 with the Bearer challenge: the realm is not known before',
      'GET one token from the realm for every scope of the run (target pull,push and each source pull)',
      ...c.steps,
    ],
    setups: [
      ONE_SETUP.replace('every host is known', 'the registry is known'),
      'the token service: its host is only learnt from the challenge, so its connection cannot be opened earlier',
    ],
    tlsSetups: 1,
    notCounted: c.notCounted,
    payloadBytes: 0,
    designExtra: c.designExtra,
  };
}

/** (e) plain manifests copied from one registry to another. */
export function crossRegistry(payloadBytes: number): LowerBound {
  return {
    steps: [
      'GET each source manifest by tag',
      'GET each config blob; at the same time GET every blob from the source and POST an upload session on the target',
      'PUT each blob to the target, streamed as it arrives from the source (plus the transfer time)',
      'PUT each image manifest by digest into the target',
      'PUT the index under the tag',
    ],
    setups: [ONE_SETUP + ' (both registries)'],
    tlsSetups: 1,
    notCounted: ['HEADs of target blobs: they overlap step 2'],
    payloadBytes,
    designExtra: ['the upload sessions and blob GETs wait for every config GET (nothing is written before the plan)'],
  };
}

/** (g) a re-run: the target tag already holds the index the sources make. */
export function reRun(): LowerBound {
  return {
    steps: [
      'GET each source manifest by tag and, at the same time, HEAD the target tag',
      'GET each config blob: the platforms make the index, whose digest equals the tag’s: nothing to write',
    ],
    setups: [ONE_SETUP],
    tlsSetups: 1,
    notCounted: ['writes: the tag already holds the index, so its children and their blobs are in the repository'],
    payloadBytes: 0,
    designExtra: [],
  };
}
