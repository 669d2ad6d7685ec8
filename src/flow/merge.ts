import { KEY_NAMES, type Names, render, say, setting } from '../errors';
import type { Inputs } from '../inputs/context';
import { formatPlatform, platformMatches } from '../oci/platform';
import { buildPlan } from '../plan/plan';
import { ownEntries } from '../plan/standing';
import { allTagsAt, publishIndex, readTags } from '../publish/publish';
import { credentialHelpers, dockerCredentials, type Login, withLogin } from '../registry/credentials';
import type { Preconnections } from '../transport/preconnect';
import { Registries, transportSettingsFromEnv } from '../registry/registries';
import type { RetryPolicy } from '../transport/retry';
import { Referrers } from '../referrers/referrers';
import { type Outputs, outputsOf } from '../report/report';
import { resolveBase } from '../resolve/base';
import { expandSources } from '../resolve/patterns';
import { type OnImage, resolveSources } from '../resolve/resolve';
import { alreadyPresent, Transfer } from '../transfer/transfer';
import { uniqueRepositories } from '../transfer/targets';
import type { RunProgram } from '../util/program';
import { appendUntilSettled, withLaterRounds } from './appendLoop';
import type { Reporter } from './reporter';

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
 * The whole flow, in one direction: inputs → resolve → plan → transfer → publish → report.
 * Nothing is written until every source is resolved and the plan is made.
 */
export async function merge(inputs: Inputs, options: MergeOptions): Promise<Outputs> {
  const { reporter } = options;
  const words = (wording: Parameters<typeof render>[0]) => render(wording, options.names ?? KEY_NAMES);
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
  // Not awaited: the registries' connections open while the Docker config is read.
  const dockerConfig = dockerCredentials({
    githubToken: inputs.githubToken,
    githubActor: options.githubActor,
    runHelper: credentialHelpers(options.runProgram),
    mask: reporter.secret,
  });
  const { login } = options;
  const credentials = login ? dockerConfig.then((config) => withLogin(login, config, reporter.secret)) : dockerConfig;
  credentials.catch(() => undefined); // a broken config surfaces where a client awaits it
  // Test-only knobs (MERGE_ACTION_RETRY_*, MERGE_ACTION_TIMEOUT_MS), read here once; see registries.ts.
  const transport = transportSettingsFromEnv(process.env);
  const registries = new Registries({
    sources: inputs.sources,
    targets: inputs.targets,
    push: !inputs.dryRun,
    credentials,
    log: reporter,
    insecureRegistries: inputs.insecureRegistries,
    retry: options.retry ?? transport.retry,
    outageTimeoutMs: inputs.outageTimeoutMs,
    timeouts: transport.timeouts,
    preconnected: options.preconnected,
  });
  const clientFor = (registry: string) => registries.client(registry);
  const repositories = uniqueRepositories(inputs.targets);
  // One budget of requests in flight per registry, for the copy and the referrers alike (design rule 13).
  const { limits } = registries;
  const transfer = new Transfer(clientFor, { dryRun: inputs.dryRun, reporter, limits });
  // Referrers (signatures, SBOMs, attestations attached to the children): looked for as soon as resolve learns each manifest digest.
  const referrers = new Referrers(clientFor, repositories, {
    mode: inputs.referrers,
    dryRun: inputs.dryRun,
    log: reporter,
    limits,
  });
  try {
    // The target tags are read while the sources resolve: reads only, off the critical path.
    const tagDigests = readTags(clientFor, inputs.targets);
    tagDigests.catch(() => undefined); // a failure surfaces where it is awaited
    // The append base is read alongside the sources, like them before anything is written.
    const baseRead = inputs.append ? resolveBase(clientFor, inputs.targets[0]) : Promise.resolve(undefined);
    baseRead.catch(() => undefined);
    // Blob writes start while resolving (design: once the verified manifest naming them is known
    // and its platform is certainly wanted), unless every tag exists at one digest: then this may
    // be a re-run that writes nothing, and writing early would break that.
    const writeEarly = tagDigests.then(
      (d) => d.some((x) => x === undefined) || new Set(d).size > 1,
      () => false,
    );
    const onImage: OnImage = (found) => {
      const { platform } = found;
      const wanted =
        inputs.platforms === undefined || (platform !== undefined && inputs.platforms.some((w) => platformMatches(w, platform)));
      if (wanted) void writeEarly.then((early) => early && transfer.prefetch(found, repositories));
    };
    const { resolved, base } = await reporter.group('Resolve sources', async () => {
      const expanded = await expandSources(clientFor, inputs.sources, inputs.targets);
      for (const e of expanded.expansions) {
        reporter.info(`${e.pattern} matches ${e.matches.length} tag(s): ${e.matches.map((m) => m.tag).join(', ')}`);
      }
      const r = await resolveSources(clientFor, expanded.references, inputs.attestations, {
        onImage,
        known: referrers.known,
      });
      for (const s of r) {
        const attestations =
          inputs.attestations === 'strip'
            ? ''
            : `, ${s.attestations.length} attestation(s) ${inputs.attestations === 'keep' ? 'kept' : 'to attach'}`;
        reporter.info(`${s.reference} → ${s.digest}: ${s.images.length} image(s)${attestations}`);
      }
      const b = await baseRead;
      if (b)
        reporter.info(
          `append to ${b.reference} → ${b.digest}: ${b.images.length} image(s), ${b.attestations.length} attestation(s)`,
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
    // Every tag already at the digest: the index, hence every child and blob, is in place.
    const unchanged = allTagsAt(await tagDigests, plan.index);
    const transfers = unchanged
      ? repositories.map((r) => alreadyPresent(r, plan.children))
      : await reporter.group(inputs.dryRun ? 'Check target repositories (dry run)' : 'Copy manifests and blobs', () =>
          transfer.run(plan.children, repositories),
        );
    // Attachments are written after the children and before the tags (the tag is the last write).
    const carried = await reporter.group(inputs.dryRun ? 'Referrers (dry run)' : 'Carry referrers', () => attached.carry());
    // Parallel appends to one tag: write, check, merge again onto what is there (docs/concurrent-append.md).
    const published = await reporter.group(inputs.dryRun ? 'Tags (dry run)' : 'Push the index', async () =>
      inputs.append && !inputs.dryRun
        ? appendUntilSettled(
            { plan, base },
            {
              clientFor,
              targets: inputs.targets,
              repositories,
              resolved,
              planOptions: inputs,
              transfer,
              reporter,
              own: ownEntries(resolved, inputs),
            },
          )
        : {
            plan,
            base,
            transfers: [],
            tags: await publishIndex(clientFor, plan.index, inputs.targets, {
              dryRun: inputs.dryRun,
              log: reporter,
              tags: tagDigests,
            }),
          },
    );
    const result = {
      plan: published.plan,
      sources: published.base ? [published.base, ...resolved] : resolved,
      base: published.base,
      targets: inputs.targets,
      transfers: withLaterRounds(transfers, published.transfers),
      tags: published.tags,
      dryRun: inputs.dryRun,
      elapsedMs: Date.now() - started,
      requests: registries.stats.requests,
      referrers: carried,
    };
    const outputs = outputsOf(result);
    await reporter.result(result, outputs);
    return outputs;
  } finally {
    await registries.close();
  }
}
