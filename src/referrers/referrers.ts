import { appendWording, say, setting, wordingOf } from '../errors';
import type { ReferrersMode } from '../inputs/context';
import type { Digest } from '../oci/digest';
import { isIndexMediaType } from '../oci/mediaTypes';
import { formatPlatform } from '../oci/platform';
import type { Reference } from '../oci/reference';
import type { Plan } from '../plan/plan';
import type { Child, ClientFor, DigestKnown, ResolvedSource } from '../resolve/resolve';
import { emptyTransfer, type RepositoryTransfer, Transfer } from '../transfer/transfer';
import { type Attachment, flatten, type Missed, shortDigest } from './attachment';
import { Carrier, type CarryOutcome } from './carry';
import { describeListed, type Discovery, Discoverer, type DiscoverOptions } from './discover';

/** Per child of the result: what is attached to it and how much of it is now in every target repository. */
export interface ChildReferrers {
  /** `linux/amd64`, or `attestation of linux/amd64`. */
  readonly label: string;
  readonly digest: Digest;
  readonly found: number;
  readonly carried: number;
}

export interface ReferrersReport {
  readonly mode: ReferrersMode;
  readonly dryRun: boolean;
  readonly children: readonly ChildReferrers[];
  /** Attachments that could not come along, each with the reason. */
  readonly missed: readonly Missed[];
  /** Blobs and manifests written for the attachments, per target repository. */
  readonly transfers: readonly RepositoryTransfer[];
}

export interface ReferrersLog {
  info(message: string): void;
  warning(message: string): void;
}

export interface ReferrersOptions extends DiscoverOptions {
  readonly mode: ReferrersMode;
  readonly dryRun: boolean;
  readonly log: ReferrersLog;
}

/** Started once the plan is made; `carry` writes, and is awaited before the index tag. */
export interface ReferrersRun {
  carry(): Promise<ReferrersReport>;
}

const NOTHING: Discovery = { attachments: [], missed: [] };

function labelOf(child: Child, plan: Plan): string {
  if (child.kind === 'image') return formatPlatform(child.descriptor.platform);
  const image = plan.children.find((c) => c.kind === 'image' && c.descriptor.digest === child.subject);
  return image
    ? `attestation of ${formatPlatform(image.descriptor.platform)}`
    : `attestation ${shortDigest(child.descriptor.digest)}`;
}

/**
 * Carrying referrers, from the first request to the last write before the tags. Looking is reads only,
 * in the source repositories: it starts the moment resolve learns a manifest digest (`known`),
 * so it overlaps the rest of the resolve and the transfer, and a child with nothing attached
 * costs no round trip on the critical path. Once the plan names the children, their
 * attachments are read (recursively, to the depth bound); `carry` writes them, after the
 * children and before the index tag. Sources that were indexes (unwrapped or flattened) are
 * listed too: what is attached to them signs an index the result does not contain, and is
 * named, not carried.
 */
export class Referrers {
  private readonly discoverer: Discoverer;

  constructor(
    private readonly clientFor: ClientFor,
    /** One reference per target repository. */
    private readonly targets: readonly Reference[],
    private readonly options: ReferrersOptions,
  ) {
    this.discoverer = new Discoverer(clientFor, options);
  }

  /** Resolve's hook: a manifest digest of a source is known; list what is attached to it, now. */
  readonly known: DigestKnown = (source, digest) => {
    if (this.options.mode === 'copy' && this.elsewhere(source)) void this.discoverer.list(source, digest);
  };

  /** Whether some target repository is not the source's own (in its own, what is attached stays attached). */
  private elsewhere(source: Reference): boolean {
    return this.targets.some((t) => t.name !== source.name);
  }

  /** Reads what is attached to the children of the plan (reads only); `carry` writes it. */
  start(plan: Plan, resolved: readonly ResolvedSource[]): ReferrersRun {
    return startReferrers(this.clientFor, this.discoverer, plan, resolved, this.targets, this.options);
  }
}

function startReferrers(
  clientFor: ClientFor,
  discoverer: Discoverer,
  plan: Plan,
  resolved: readonly ResolvedSource[],
  targets: readonly Reference[],
  options: ReferrersOptions,
): ReferrersRun {
  if (options.mode === 'skip') {
    return {
      carry: async () => {
        options.log.info('what is attached to the children (signatures, SBOMs, attestations) is not carried, as asked');
        return { mode: 'skip', dryRun: options.dryRun, children: [], missed: [], transfers: [] };
      },
    };
  }
  const discoveries = new Map<Child, Promise<Discovery>>();
  for (const child of plan.children) {
    const elsewhere = targets.some((t) => t.name !== child.source.name);
    const found = elsewhere ? discoverer.discover(child.source, child.descriptor.digest) : Promise.resolve(NOTHING);
    found.catch(() => undefined); // a failure surfaces where it is awaited
    discoveries.set(child, found);
  }
  const childDigests = new Set(plan.children.map((c) => c.descriptor.digest));
  const indexSources = resolved.filter(
    (r) => isIndexMediaType(r.mediaType) && !childDigests.has(r.digest) && r.images.some((i) => plan.children.includes(i)),
  );
  const unwrapped = Promise.all(
    indexSources.map(async (r): Promise<Missed[]> => {
      const listed = await discoverer.list(r.reference, r.digest);
      return listed.map((l) => ({
        what: describeListed(l, r.reference.name),
        why: `attached to the index ${shortDigest(r.digest)} of "${r.reference}", which the result does not contain (its images were taken out of it)`,
      }));
    }),
  );
  unwrapped.catch(() => undefined);

  return {
    carry: () =>
      carryAll().catch((err: unknown) => {
        // Attachments are not what the user asked to merge: say how to merge without them.
        if (err instanceof Error && !wordingOf(err).includes(SKIP_HINT[0])) appendWording(err, '; ', ...SKIP_HINT);
        throw err;
      }),
  };

  async function carryAll(): Promise<ReferrersReport> {
    const [discovered, fromIndexes] = await Promise.all([
      Promise.all(plan.children.map(async (c) => [c, await discoveries.get(c)!] as const)),
      unwrapped,
    ]);
    const missed: Missed[] = [...discovered.flatMap(([, d]) => d.missed), ...fromIndexes.flat()];
    // The attachments' blobs are counted in the referrers report; live progress is the children's.
    const transfer = new Transfer(clientFor, {
      dryRun: options.dryRun,
      reporter: { info: (message) => options.log.info(message), progress: () => undefined },
      limits: options.limits,
    });
    const carrier = new Carrier(clientFor, transfer, {
      dryRun: options.dryRun,
      log: (message) => options.log.info(message),
    });
    // Per target repository, per child: the outcome of each attachment (children from the target repository itself need nothing).
    const outcomes = new Map<Attachment, CarryOutcome[]>();
    const transfers = await Promise.all(
      targets.map(async (target) => {
        const report = emptyTransfer(target.name);
        await Promise.all(
          discovered.map(async ([child, d]) => {
            if (d.attachments.length === 0 || child.source.name === target.name) return;
            const result = await carrier.carry(d.attachments, child.source, target, report, missed);
            for (const [a, outcome] of result) outcomes.set(a, [...(outcomes.get(a) ?? []), outcome]);
          }),
        );
        return report;
      }),
    );
    const done: CarryOutcome[] = options.dryRun ? ['would-push', 'present'] : ['pushed', 'present'];
    const children = discovered.map(([child, d]): ChildReferrers => {
      const all = flatten(d.attachments);
      return {
        label: labelOf(child, plan),
        digest: child.descriptor.digest,
        found: all.length,
        carried: all.filter((a) => (outcomes.get(a) ?? []).every((o) => done.includes(o))).length,
      };
    });
    for (const c of children) {
      if (c.found > 0) {
        const verb = options.dryRun ? 'would be carried' : 'carried';
        options.log.info(`${c.label} ${shortDigest(c.digest)}: ${c.found} referrer(s) found, ${c.carried} ${verb}`);
      }
    }
    for (const m of missed) options.log.warning(`not carried: ${m.what}: ${m.why}`);
    return { mode: 'copy', dryRun: options.dryRun, children, missed, transfers };
  }
}

const SKIP_HINT = say`this happened while carrying what is attached to the children (${setting('referrers', 'copy')}); ${setting('referrers', 'skip')} merges without them`;
