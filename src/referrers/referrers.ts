import { appendWording, say, setting, wordingOf } from '../errors';
import type { ReferrersMode } from '../inputs/context';
import type { Digest } from '../oci/digest';
import { isIndexMediaType } from '../oci/mediaTypes';
import { formatPlatform } from '../oci/platform';
import type { Reference } from '../oci/reference';
import type { Plan } from '../plan/plan';
import type { Child, ClientFor, DigestKnown, ResolvedSource } from '../resolve/resolve';
import { emptyTransfer, type RepositoryTransfer, Transfer } from '../transfer/transfer';
import type { RelocatedAttestation } from '../plan/attestations';
import { type Attachment, flatten, type Missed, referrerDescriptor, shortDigest } from './attachment';
import { Carrier, type CarryOutcome } from './carry';
import { describeListed, type Discovery, Discoverer, type DiscoverOptions } from './discover';
import { counted } from '../util/words';

/** Per child of the result: what is attached to it and how much of it is now in every target repository. */
export interface ChildReferrers {
  /** `linux/amd64`, or `attestation of linux/amd64`. */
  readonly label: string;
  readonly digest: Digest;
  readonly found: number;
  readonly carried: number;
}

/** An attestation written as a referrer of its image (`attestations: referrers`). */
export interface AttestationReferrer {
  /** The platform of its image. */
  readonly platform: string;
  readonly predicateTypes: readonly string[];
  /** The referrer's digest: the attestation's own, or the new one of a classic attestation given a subject. */
  readonly digest: Digest;
  /** The image manifest it is attached to. */
  readonly subject: Digest;
  /** The digest the source listed, when the referrer is the rewritten classic attestation. */
  readonly rewrittenFrom?: Digest;
  /** `present` when every target repository had it already. */
  readonly outcome: 'pushed' | 'present' | 'would-push';
}

export interface ReferrersReport {
  readonly mode: ReferrersMode;
  readonly dryRun: boolean;
  readonly children: readonly ChildReferrers[];
  /** The attestations taken out of the index and written as referrers of their images, in index order. */
  readonly attestations: readonly AttestationReferrer[];
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
  const copy = options.mode === 'copy';
  const discoveries = new Map<Child, Promise<Discovery>>();
  for (const child of plan.children) {
    const elsewhere = copy && targets.some((t) => t.name !== child.source.name);
    const found = elsewhere ? discoverer.discover(child.source, child.descriptor.digest) : Promise.resolve(NOTHING);
    found.catch(() => undefined); // a failure surfaces where it is awaited
    discoveries.set(child, found);
  }
  // The attestations that leave the index: written like any referrer of their image, by the same carrier.
  const relocated = new Map<Child, Attachment[]>();
  for (const r of plan.relocated) {
    const a: Attachment = {
      subject: r.image.descriptor.digest,
      link: { kind: 'subject' },
      bytes: r.bytes,
      manifest: r.attestation.manifest,
      descriptor: referrerDescriptor(r.digest, r.attestation.manifest.mediaType, r.bytes),
      attachments: [],
      from: r.attestation.source,
    };
    relocated.set(r.image, [...(relocated.get(r.image) ?? []), a]);
  }
  const childDigests = new Set(plan.children.map((c) => c.descriptor.digest));
  const indexSources = resolved.filter(
    (r) =>
      copy && isIndexMediaType(r.mediaType) && !childDigests.has(r.digest) && r.images.some((i) => plan.children.includes(i)),
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
        const hint = plan.relocated.length > 0 ? RELOCATED_HINT : SKIP_HINT;
        if (err instanceof Error && !wordingOf(err).includes(hint[0])) appendWording(err, '; ', ...hint);
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
    // The same, by subject and digest: a relocated attestation merged with its listing is a new object.
    const bySubject = new Map<string, CarryOutcome[]>();
    const transfers = await Promise.all(
      targets.map(async (target) => {
        const report = emptyTransfer(target.name);
        await Promise.all(
          discovered.map(async ([child, d]) => {
            // In the child's own repository what is attached stays attached; its relocated attestations are new there too.
            const own = child.source.name === target.name ? [] : d.attachments;
            const attachments = withRelocated(relocated.get(child) ?? [], own);
            if (attachments.length === 0) return;
            const result = await carrier.carry(attachments, child.source, target, report, missed);
            for (const [a, outcome] of result) {
              outcomes.set(a, [...(outcomes.get(a) ?? []), outcome]);
              const key = `${a.subject} ${a.descriptor.digest}`;
              bySubject.set(key, [...(bySubject.get(key) ?? []), outcome]);
            }
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
        options.log.info(`${c.label} ${shortDigest(c.digest)}: ${counted(c.found, 'referrer')} found, ${c.carried} ${verb}`);
      }
    }
    for (const m of missed) options.log.warning(`not carried: ${m.what}: ${m.why}`);
    if (!copy) {
      options.log.info('referrers: skip: what is attached to the children (signatures, SBOMs, attestations) is not carried');
    }
    const attestations = plan.relocated.map((r) =>
      attestationReport(r, bySubject.get(`${r.image.descriptor.digest} ${r.digest}`) ?? [], options.dryRun),
    );
    for (const a of attestations) options.log.info(describeAttestation(a, options.dryRun));
    return { mode: options.mode, dryRun: options.dryRun, children: copy ? children : [], missed, transfers, attestations };
  }
}

/**
 * A child's attachments with its relocated attestations first. An OCI-artifact attestation the
 * source registry already lists as a referrer is written once, with what is attached to it.
 */
function withRelocated(relocated: readonly Attachment[], discovered: readonly Attachment[]): Attachment[] {
  const found = new Map(discovered.map((a) => [a.descriptor.digest, a]));
  const taken = new Set(relocated.map((a) => a.descriptor.digest));
  return [
    ...relocated.map((a) => ({ ...a, attachments: found.get(a.descriptor.digest)?.attachments ?? a.attachments })),
    ...discovered.filter((a) => !taken.has(a.descriptor.digest)),
  ];
}

function attestationReport(r: RelocatedAttestation, outcomes: readonly CarryOutcome[], dryRun: boolean): AttestationReferrer {
  const outcome = outcomes.every((o) => o === 'present') ? 'present' : dryRun ? 'would-push' : 'pushed';
  return {
    platform: formatPlatform(r.image.descriptor.platform),
    predicateTypes: r.predicateTypes,
    digest: r.digest,
    subject: r.image.descriptor.digest,
    ...(r.rewritten ? { rewrittenFrom: r.attestation.descriptor.digest } : {}),
    outcome,
  };
}

function describeAttestation(a: AttestationReferrer, dryRun: boolean): string {
  const what = a.predicateTypes.length > 0 ? a.predicateTypes.join(', ') : 'attestation';
  const done = a.outcome === 'present' ? 'already there' : dryRun ? 'would be written' : 'written';
  return `attestation of ${a.platform} (${what}) ${a.digest}: referrer of ${a.subject}, ${done}`;
}

const RELOCATED_HINT = say`this happened while writing the attestations as referrers of their images and what is attached to the children; ${setting('attestations', 'strip')} (or ${setting('attestations', 'keep')}) and ${setting('referrers', 'skip')} merge without them`;
const SKIP_HINT = say`this happened while carrying what is attached to the children (${setting('referrers', 'copy')}); ${setting('referrers', 'skip')} merges without them`;
