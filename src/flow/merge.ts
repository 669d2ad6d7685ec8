import { type Names, render, say, setting } from '../errors';
import type { Inputs } from '../inputs/context';
import { formatPlatform, platformMatches } from '../oci/platform';
import type { Reference } from '../oci/reference';
import { buildPlan, type Plan } from '../plan/plan';
import { ownEntries } from '../plan/standing';
import { allTagsAt, publishIndex, readTags, type TagDigests, type TagResult } from '../publish/publish';
import type { Login } from '../registry/credentials';
import type { RegistryLimits } from '../transport/limits';
import type { Preconnections } from '../transport/preconnect';
import type { RetryPolicy } from '../transport/retry';
import { Referrers, type ReferrersReport, type ReferrersRun } from '../referrers/referrers';
import type { RunResult } from '../report/report';
import { resolveBase } from '../resolve/base';
import { readFromMirror } from '../resolve/mirror';
import { expandSources } from '../resolve/patterns';
import { type ClientFor, type OnImage, type ResolvedSource, resolveSources, type SourceCache } from '../resolve/resolve';
import { alreadyPresent, type RepositoryTransfer, type Transfer } from '../transfer/transfer';
import { uniqueRepositories } from '../transfer/targets';
import type { RunProgram } from '../util/program';
import { counted } from '../util/words';
import { appendUntilSettled, withLaterRounds } from './appendLoop';
import type { ImageReporter, Reporter } from './reporter';

export interface MergeOptions {
  readonly reporter: Reporter;
  /** Runs credential helpers. */
  readonly runProgram: RunProgram;
  /** The username that goes with `github-token` on ghcr.io (the action passes GITHUB_ACTOR). */
  readonly githubActor?: string;
  /** Credentials given on the command line, used before the Docker config for their registries. */
  readonly login?: Login;
  /** How the front end names settings in messages (action inputs, command-line flags); by key if not given. */
  readonly names?: Names;
  /** Tests shorten the retry delays; the front ends use the defaults. */
  readonly retry?: RetryPolicy;
  /** The connections the front end opened while the rest of the tool loaded. */
  readonly preconnected?: Preconnections;
}

/**
 * What every image of a run shares (design rule 22): the registries' connections, tokens and
 * limits, the copy (each blob and child once per target repository), the sources read.
 */
export interface Shared {
  readonly clientFor: ClientFor;
  readonly limits: RegistryLimits;
  readonly transfer: Transfer;
  readonly sources: SourceCache;
  readonly names: Names;
  /** Whether Docker Hub counts the manifest GETs of a registry (design rule 22: read from a mirror instead). */
  readonly isHub: (registry: string) => boolean;
  /** The batch's target repositories on registries that are not Hub's: where a source on Hub may be read instead. */
  readonly mirrors: readonly Reference[];
  /**
   * Whether blob writes may start while resolving (design: once the verified manifest naming
   * them is known). Not in a batch of several images: one image's failure must leave every
   * repository untouched (design rule 20).
   */
  readonly writeEarly: boolean;
}

/** One image resolved and planned: nothing written yet. */
export interface Prepared {
  readonly inputs: Inputs;
  readonly reporter: ImageReporter;
  readonly started: number;
  /** One reference per target repository (what the transfer fills). */
  readonly repositories: readonly Reference[];
  readonly resolved: readonly ResolvedSource[];
  readonly base: ResolvedSource | undefined;
  readonly plan: Plan;
  /** What the target tags pointed at while the sources resolved. */
  readonly tagDigests: TagDigests;
  readonly attached: ReferrersRun;
}

/** One image whose children, blobs and referrers are in every target repository: only its tags are left. */
export interface Transferred extends Prepared {
  readonly transfers: readonly RepositoryTransfer[];
  readonly carried: ReferrersReport;
}

/** What publishing one image's tags (or some of them) did. */
export interface Published {
  readonly plan: Plan;
  readonly base: ResolvedSource | undefined;
  readonly tags: readonly TagResult[];
  /** What later rounds of an append copied (entries other runs added meanwhile). */
  readonly transfers: readonly RepositoryTransfer[];
}

/**
 * One image's flow, in one direction: inputs → resolve → plan, then transfer, then publish.
 * `src/flow/batch.ts` runs these phases for every image of the run: every image is prepared
 * before any is transferred, and every image transferred before any tag is written.
 *
 * Prepare: resolve every source and the append base, and plan the index. Reads only (and, in a
 * run of one image, early blob writes, which no manifest references yet).
 */
export async function prepare(inputs: Inputs, shared: Shared, reporter: ImageReporter): Promise<Prepared> {
  const words = (wording: Parameters<typeof render>[0]) => render(wording, shared.names);
  const started = Date.now();
  if (inputs.skippedAnnotations.length > 0) {
    const hint = Object.keys(inputs.annotations).length === 0 ? say` ${{ hint: 'index-annotations' }}` : [];
    reporter.notice(
      words([
        `annotations skipped (only index annotations can be set without changing the images' digests): `,
        `${inputs.skippedAnnotations.join('; ')}.`,
        ...hint,
      ]),
    );
  }
  // A target without a tag means `latest`, as with docker: said, since it may replace what is there.
  for (const t of inputs.untaggedTargets) {
    reporter.notice(
      words(say`${setting('tags')}: "${t.given}" names no tag; ${t.target.toString()} is meant (latest, as docker assumes)`),
    );
  }
  const { clientFor, transfer } = shared;
  const repositories = uniqueRepositories(inputs.targets);
  // Referrers (signatures, SBOMs, attestations attached to the children): looked for as soon as resolve learns each manifest digest.
  const referrers = new Referrers(clientFor, repositories, {
    mode: inputs.referrers,
    dryRun: inputs.dryRun,
    log: reporter,
    limits: shared.limits,
  });
  // The target tags are read while the sources resolve: reads only, off the critical path.
  const tagDigests = readTags(clientFor, inputs.targets);
  tagDigests.catch(() => undefined); // a failure surfaces where it is awaited
  // The append base is read alongside the sources, like them before anything is written.
  const baseRead = inputs.append ? resolveBase(clientFor, inputs.targets[0]) : Promise.resolve(undefined);
  baseRead.catch(() => undefined);
  // Blob writes start while resolving (design: once the verified manifest naming them is known
  // and its platform is certainly wanted), unless every tag exists at one digest: then this may
  // be a re-run that writes nothing, and writing early would break that.
  const writeEarly = shared.writeEarly
    ? tagDigests.then(
        (d) => d.some((x) => x === undefined) || new Set(d).size > 1,
        () => false,
      )
    : Promise.resolve(false);
  const onImage: OnImage = (found) => {
    const { platform } = found;
    const wanted =
      inputs.platforms === undefined || (platform !== undefined && inputs.platforms.some((w) => platformMatches(w, platform)));
    if (wanted) void writeEarly.then((early) => early && transfer.prefetch(found, repositories));
  };
  const { resolved, base } = await reporter.group('Resolve sources', async () => {
    const expanded = await expandSources(clientFor, inputs.sources, inputs.targets);
    for (const e of expanded.expansions) {
      reporter.info(`${e.pattern} matches ${counted(e.matches.length, 'tag')}: ${e.matches.map((m) => m.tag).join(', ')}`);
    }
    // A source on Docker Hub that a mirror of the run holds is read there (Hub counts every manifest GET).
    const references = await Promise.all(
      expanded.references.map(async (source) => {
        if (!shared.isHub(source.registry) || shared.mirrors.length === 0) return source;
        const read = await readFromMirror(clientFor, source, shared.mirrors);
        if (read.mirror)
          reporter.info(`${source} is read from ${read.reference}: the same digest, and Docker Hub counts every read`);
        return read.reference;
      }),
    );
    const r = await resolveSources(
      clientFor,
      references,
      inputs.attestations,
      { onImage, known: referrers.known, info: (message) => reporter.info(message) },
      shared.sources,
    );
    for (const s of r) {
      const attestations =
        inputs.attestations === 'strip'
          ? ''
          : `, ${counted(s.attestations.length, 'attestation')} ${inputs.attestations === 'keep' ? 'kept' : 'to attach'}`;
      reporter.info(`${s.reference} → ${s.digest}: ${counted(s.images.length, 'image')}${attestations}`);
    }
    const b = await baseRead;
    if (b)
      reporter.info(
        `append to ${b.reference} → ${b.digest}: ${counted(b.images.length, 'image')}, ${counted(b.attestations.length, 'attestation')}`,
      );
    else if (inputs.append) reporter.notice(`append: ${inputs.targets[0]} does not exist yet; merging the sources alone`);
    return { resolved: r, base: b };
  });
  const plan = buildPlan(resolved, inputs, base);
  for (const old of plan.replaced)
    reporter.info(`append: ${formatPlatform(old.descriptor.platform)} ${old.descriptor.digest} replaced`);
  reporter.info(`index ${plan.index.digest} (${plan.index.mediaType}): ${plan.platforms.join(', ')}`);

  // The attachments of the planned children are read now (reads only), alongside the transfer.
  const attached = referrers.start(plan, resolved);
  return { inputs, reporter, started, repositories, resolved, base, plan, tagDigests: await tagDigests, attached };
}

/**
 * Transfer: every child and blob present in each target repository, then what is attached to
 * the children (the tag is the last write, design rule 7).
 */
export async function transferImage(p: Prepared, shared: Shared): Promise<Transferred> {
  const { inputs, reporter, plan } = p;
  // Every tag already at the digest: the index, hence every child and blob, is in place.
  const unchanged = allTagsAt(p.tagDigests, plan.index);
  const transfers = unchanged
    ? p.repositories.map((r) => alreadyPresent(r, plan.children))
    : await reporter.group(inputs.dryRun ? 'Check target repositories (dry run)' : 'Copy manifests and blobs', () =>
        shared.transfer.run(plan.children, p.repositories),
      );
  // Attachments are written after the children and before the tags (the tag is the last write).
  const carried = await reporter.group(inputs.dryRun ? 'Referrers (dry run)' : 'Carry referrers', () => p.attached.carry());
  return { ...p, transfers, carried };
}

/**
 * Publish: the index under `targets` (all of the image's tags, or the part of them the batch
 * writes now, design rule 21). With append, the write-check-merge loop writes every tag of the
 * image (docs/concurrent-append.md), so the batch hands it all of them at once.
 */
export async function publishImage(t: Transferred, targets: readonly Reference[], shared: Shared): Promise<Published> {
  const { inputs, reporter, plan, base } = t;
  const title = inputs.dryRun ? 'Tags (dry run)' : 'Push the index';
  return reporter.group(title, async () =>
    inputs.append && !inputs.dryRun
      ? appendUntilSettled(
          { plan, base },
          {
            clientFor: shared.clientFor,
            targets,
            repositories: uniqueRepositories(targets),
            resolved: t.resolved,
            planOptions: inputs,
            transfer: shared.transfer,
            reporter,
            own: ownEntries(t.resolved, inputs),
          },
        )
      : {
          plan,
          base,
          transfers: [],
          tags: await publishIndex(shared.clientFor, plan.index, targets, {
            dryRun: inputs.dryRun,
            log: reporter,
            tags: Promise.resolve(targets.map((r) => t.tagDigests[inputs.targets.indexOf(r)])),
          }),
        },
  );
}

/** What one image's run did, for the report: its tags in the order of its targets. */
export function imageResult(
  t: Transferred,
  published: readonly Published[],
  wire: { readonly requests: number; readonly hubCounted?: number },
): RunResult {
  const last = published.at(-1);
  const plan = last?.plan ?? t.plan;
  const base = last ? last.base : t.base;
  const tags = published.flatMap((p) => p.tags);
  const order = (r: TagResult) => t.inputs.targets.findIndex((x) => x.toString() === r.reference);
  return {
    plan,
    sources: base ? [base, ...t.resolved] : t.resolved,
    base,
    targets: t.inputs.targets,
    transfers: withLaterRounds(
      t.transfers,
      published.flatMap((p) => p.transfers),
    ),
    tags: [...tags].sort((a, b) => order(a) - order(b)),
    dryRun: t.inputs.dryRun,
    elapsedMs: Date.now() - t.started,
    requests: wire.requests,
    ...(wire.hubCounted !== undefined ? { hubCounted: wire.hubCounted } : {}),
    referrers: t.carried,
  };
}
