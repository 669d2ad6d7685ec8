import { ContentError, type Part, wordingOf } from '../errors';
import type { Inputs } from '../inputs/context';
import type { Batch, FloatingTags } from '../inputs/images';
import type { Reference } from '../oci/reference';
import { credentialHelpers, dockerCredentials, withLogin } from '../registry/credentials';
import { Registries, transportSettingsFromEnv } from '../registry/registries';
import { batchTotals, type Outputs, outputsOf } from '../report/report';
import { SourceCache } from '../resolve/resolve';
import { Transfer } from '../transfer/transfer';
import { uniqueRepositories } from '../transfer/targets';
import { settleAll } from '../util/concurrency';
import { KEY_NAMES } from '../errors';
import { ImageLog } from './imageLog';
import { imageResult, type MergeOptions, prepare, type Published, publishImage, type Shared, transferImage } from './merge';
import type { ImageReporter } from './reporter';

/**
 * Images worked on at once in each phase. Requests are bounded per registry anyway (design rule
 * 13); this bounds what is held in flight besides them (design rule 22).
 */
export const IMAGES_IN_FLIGHT = 32;

/** Which tags of each image are written in the first round, and which last (design rule 21). */
export interface TagRounds {
  readonly first: readonly Reference[];
  readonly last: readonly Reference[];
}

/**
 * Floating tags (`latest`, what `floating-tags` names) are written once every other tag of the
 * batch has landed, so they never point ahead of the versioned tags. An append image writes all
 * its tags in one write-check-merge loop (its tags must hold the same entries): last when one of
 * them floats, else first.
 */
export function tagRounds(images: readonly Inputs[], floating: FloatingTags): TagRounds[] {
  return images.map((image) => {
    const floats = image.targets.filter((t) => floating.floats(t.tag));
    if (image.append) return floats.length > 0 ? { first: [], last: image.targets } : { first: image.targets, last: [] };
    return { first: image.targets.filter((t) => !floats.includes(t)), last: floats };
  });
}

/** How an image of a batch is named in the log and in errors: its entry number and first tag. */
export function imageLabel(image: Inputs, index: number): string {
  return `entry ${index + 1} (${image.targets[0]})`;
}

/**
 * Merges every image of the run, all or nothing (design rule 20): every image is resolved and
 * planned before anything is written, every image's children, blobs and referrers are in place
 * before any tag is written, and floating tags come last (rule 21). The images share the
 * registries' connections, tokens and limits, and each blob, child and source is handled once
 * (rule 22). A single merge is a batch of one, told as it always was.
 */
export async function mergeBatch(batch: Batch, options: MergeOptions): Promise<Outputs> {
  const { reporter } = options;
  const started = Date.now();
  const { images } = batch;
  // dry-run, github-token, insecure-registries, outage-timeout are top-level inputs: the same in every image.
  const run = images[0];
  // Not awaited: the registries' connections open while the Docker config is read.
  const dockerConfig = dockerCredentials({
    githubToken: run.githubToken,
    githubActor: options.githubActor,
    runHelper: credentialHelpers(options.runProgram),
    mask: reporter.secret,
  });
  const { login } = options;
  const credentials = login ? dockerConfig.then((config) => withLogin(login, config, reporter.secret)) : dockerConfig;
  credentials.catch(() => undefined); // a broken config surfaces where a client awaits it
  // Test-only knobs (MERGE_ACTION_RETRY_*, MERGE_ACTION_TIMEOUT_MS), read here once; see registries.ts.
  const transport = transportSettingsFromEnv(process.env);
  // One set of connections, tokens and limits for every image (design rule 22).
  const registries = new Registries({
    sources: images.flatMap((i) => i.sources),
    targets: images.flatMap((i) => i.targets),
    push: !run.dryRun,
    credentials,
    log: reporter,
    insecureRegistries: run.insecureRegistries,
    retry: options.retry ?? transport.retry,
    outageTimeoutMs: run.outageTimeoutMs,
    timeouts: transport.timeouts,
    preconnected: options.preconnected,
  });
  const clientFor = (registry: string) => registries.client(registry);
  const { limits } = registries;
  const many = images.length > 1;
  const shared: Shared = {
    clientFor,
    limits,
    // One budget of requests in flight per registry, for the copy and the referrers alike (design rule 13).
    transfer: new Transfer(clientFor, { dryRun: run.dryRun, reporter, limits }),
    sources: new SourceCache(),
    names: options.names ?? KEY_NAMES,
    isHub: (registry) => registries.isHub(registry),
    mirrors: uniqueRepositories(images.flatMap((i) => i.targets)).filter((t) => !registries.isHub(t.registry)),
    writeEarly: !many,
  };
  const labels = images.map(imageLabel);
  const logs = images.map((_, i) => (many ? new ImageLog(reporter, labels[i]) : undefined));
  const logOf = (i: number): ImageReporter => logs[i] ?? reporter;
  const flush = async () => {
    for (const l of logs) await l?.flush();
  };

  /** One phase for every image; any failure ends the run, naming every image that failed. */
  async function phase<T, R>(items: readonly T[], work: (item: T, i: number) => Promise<R>, after: string): Promise<R[]> {
    const settled = await settleAll(items, IMAGES_IN_FLIGHT, work);
    const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [{ i, reason: s.reason as unknown }] : []));
    if (failed.length === 0) return settled.map((s) => (s as PromiseFulfilledResult<R>).value);
    if (!many) throw failed[0].reason;
    const parts: Part[] = [`${failed.length} of ${images.length} images failed; ${after}:`];
    for (const f of failed) parts.push(`\n- ${labels[f.i]}: `, ...wordingOf(f.reason));
    throw new ContentError(parts);
  }

  for (const n of batch.notices) reporter.notice(n);
  try {
    // Every image resolved and planned before anything is written.
    const prepared = await phase(images, (inputs, i) => prepare(inputs, shared, logOf(i)), 'nothing was written');
    // The images' own lines come in their groups at the end; meanwhile the log says where the batch is.
    if (many) reporter.info(`${images.length} images resolved and planned`);
    // Every image's children, blobs and referrers in place before any tag.
    const transferred = await phase(prepared, (p) => transferImage(p, shared), 'no tag was written');
    if (many) {
      reporter.info(
        run.dryRun
          ? "every image's content checked (dry run); tags next"
          : "every image's content is in place; tags next, floating tags last",
      );
    }
    const rounds = tagRounds(images, batch.floating);
    const publish = (which: keyof TagRounds, after: string) =>
      phase(
        transferred,
        (t, i): Promise<Published | undefined> =>
          rounds[i][which].length > 0 ? publishImage(t, rounds[i][which], shared) : Promise.resolve(undefined),
        after,
      );
    const first = await publish('first', 'the other images are tagged; no floating tag was written');
    const last = await publish('last', 'every tag but the floating ones of these images was written');
    const results = transferred.map((t, i) =>
      imageResult(
        t,
        [first[i], last[i]].filter((p): p is Published => p !== undefined),
        { requests: registries.stats.requests, hubCounted: registries.hubCounted },
      ),
    );
    const outputs = outputsOf(results[0], results);
    await flush();
    const report = many
      ? {
          images: results,
          labels,
          totals: batchTotals(results, {
            requests: registries.stats.requests,
            hubCounted: registries.hubCounted,
            elapsedMs: Date.now() - started,
          }),
        }
      : undefined;
    await reporter.result(results[0], outputs, report);
    return outputs;
  } catch (err) {
    await flush();
    throw err;
  } finally {
    await registries.close();
  }
}
