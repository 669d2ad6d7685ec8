import type { Plan } from '../plan/plan';
import type { TagResult } from '../publish/publish';
import type { RepositoryTransfer } from '../transfer/transfer';
import { formatPlatform } from '../oci/platform';
import type { Reference } from '../oci/reference';
import type { ReferrersReport } from '../referrers/referrers';
import type { ResolvedSource } from '../resolve/resolve';
import { counted } from '../util/words';

export interface RunResult {
  readonly plan: Plan;
  /** Every source as resolved, the append base first when there is one. */
  readonly sources: readonly ResolvedSource[];
  readonly base: ResolvedSource | undefined;
  readonly targets: readonly Reference[];
  readonly transfers: readonly RepositoryTransfer[];
  readonly tags: readonly TagResult[];
  readonly dryRun: boolean;
  readonly elapsedMs: number;
  readonly requests: number;
  /** Requests Docker Hub counted against its pull limit, when a registry of the run is Hub's. */
  readonly hubCounted?: number;
  /** Referrers: what was attached to the children, and what of it was carried. */
  readonly referrers?: ReferrersReport;
}

export interface Outputs {
  readonly digest: string;
  readonly image: string;
  readonly manifest: string;
  readonly platforms: string;
  readonly 'media-type': string;
  readonly sources: string;
  /** JSON: the attestations written as referrers of their images (`attestations: referrers`), else `[]`. */
  readonly attestations: string;
  /** JSON: every image of the run, in input order: `[{tags, digest, platforms}]` (one entry for a single merge). */
  readonly images: string;
}

/** One image of the `images` output. */
export interface ImageOutput {
  /** The first target repository at the digest, as the `image` output. */
  readonly image: string;
  readonly tags: readonly string[];
  readonly digest: string;
  readonly platforms: readonly string[];
}

/** A batch of several images: every image's result, how each is named, and the totals (design rule 24). */
export interface BatchReport {
  readonly images: readonly RunResult[];
  /** `entry 2 (registry/repo:tag)`, in input order. */
  readonly labels: readonly string[];
  readonly totals: BatchTotals;
}

export interface BatchTotals {
  readonly images: number;
  readonly tagsWritten: number;
  readonly blobsMounted: number;
  readonly blobsCopied: number;
  readonly bytesCopied: number;
  readonly requests: number;
  /** Requests Docker Hub counts against its pull limit (manifest GETs), when a Hub registry was used. */
  readonly hubCounted?: number;
  readonly elapsedMs: number;
  readonly dryRun: boolean;
}

/** `registry/repo:tag@sha256:…`, or `registry/repo@sha256:…` for a source named by digest only. */
export function resolvedName(source: ResolvedSource): string {
  const r = source.reference;
  return `${r.name}${r.tag !== undefined ? `:${r.tag}` : ''}@${source.digest}`;
}

export function imageOutput(result: RunResult): ImageOutput {
  return {
    image: `${result.targets[0].name}@${result.plan.index.digest}`,
    tags: result.targets.map((t) => t.toString()),
    digest: result.plan.index.digest,
    platforms: result.plan.platforms,
  };
}

/** The outputs: `digest`, `image` and the rest describe the first image; `images` lists them all. */
export function outputsOf(result: RunResult, all: readonly RunResult[] = [result]): Outputs {
  const { index, platforms } = result.plan;
  return {
    digest: index.digest,
    image: `${result.targets[0].name}@${index.digest}`,
    manifest: index.json,
    platforms: platforms.join(','),
    'media-type': index.mediaType,
    sources: result.sources.map(resolvedName).join('\n'),
    attestations: JSON.stringify(
      (result.referrers?.attestations ?? []).map(({ platform, predicateTypes, digest, subject }) => ({
        platform,
        predicateTypes,
        digest,
        subject,
      })),
    ),
    images: JSON.stringify(all.map(imageOutput)),
  };
}

/** What a batch did in all: the numbers the log and the job summary end with. */
export function batchTotals(
  images: readonly RunResult[],
  run: { readonly requests: number; readonly hubCounted?: number; readonly elapsedMs: number },
): BatchTotals {
  let blobsMounted = 0;
  let blobsCopied = 0;
  let bytesCopied = 0;
  for (const t of images.flatMap((i) => i.transfers)) {
    blobsMounted += t.blobs.mounted + t.blobs['would-mount'];
    blobsCopied += t.blobs.copied + t.blobs['would-copy'];
    bytesCopied += t.bytesCopied;
  }
  return {
    images: images.length,
    tagsWritten: images.flatMap((i) => i.tags).filter((t) => t.outcome !== 'unchanged').length,
    blobsMounted,
    blobsCopied,
    bytesCopied,
    requests: run.requests,
    ...(run.hubCounted !== undefined ? { hubCounted: run.hubCounted } : {}),
    elapsedMs: run.elapsedMs,
    dryRun: images.some((i) => i.dryRun),
  };
}

/** `412 requests (6 counted by Docker Hub) in 1.9 s` */
export function requestsLine(result: Pick<RunResult, 'requests' | 'hubCounted' | 'elapsedMs'>): string {
  const hub = result.hubCounted !== undefined ? ` (${result.hubCounted} counted by Docker Hub)` : '';
  return `${counted(result.requests, 'request')}${hub} in ${(result.elapsedMs / 1000).toFixed(1)} s`;
}

/** The totals in one line: `12 images, 36 tags written, 40 blobs mounted, 8 copied (1.2 MiB), 410 requests in 2.1 s`. */
export function totalsLine(t: BatchTotals): string {
  const verb = t.dryRun ? 'to write' : 'written';
  const blobs = t.dryRun
    ? `${t.blobsMounted} blobs to mount, ${t.blobsCopied} to copy`
    : `${t.blobsMounted} blobs mounted, ${t.blobsCopied} copied (${formatBytes(t.bytesCopied)})`;
  return `${counted(t.images, 'image')}, ${counted(t.tagsWritten, 'tag')} ${verb}, ${blobs}, ${requestsLine(t)}`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** What one target repository needed: blobs and manifests present, mounted, copied or pushed. */
export function transferCounts(t: RepositoryTransfer, dryRun: boolean): string {
  const b = t.blobs;
  const m = t.manifests;
  const blobs = dryRun
    ? `${counted(b.present, 'blob')} present, ${b['would-mount']} to mount, ${b['would-copy']} to copy`
    : `${counted(b.present, 'blob')} present, ${b.mounted} mounted, ${b.copied} copied (${formatBytes(t.bytesCopied)})`;
  const manifests = dryRun
    ? `${counted(m.present, 'manifest')} present, ${m['would-push']} to push`
    : `${counted(m.present, 'manifest')} present, ${m.pushed} pushed`;
  return `${blobs}; ${manifests}`;
}

/** What happened to a target tag, in words. */
export const TAG_OUTCOMES: Readonly<Record<TagResult['outcome'], string>> = {
  written: 'written',
  unchanged: 'already at this digest',
  'would-write': 'would be written (dry run)',
};

/** With append: the base, how many of its entries stay and which were replaced; `code` marks names up. */
export function appendSummary(result: RunResult, code: (text: string) => string = (t) => t): string | undefined {
  const { base, plan } = result;
  if (!base) return undefined;
  const replaced = plan.replaced.map((c) => code(formatPlatform(c.descriptor.platform)));
  const kept = base.images.length - plan.replaced.length;
  return (
    `Appended to ${code(resolvedName(base))}: ${kept} entr${kept === 1 ? 'y' : 'ies'} kept` +
    (replaced.length > 0 ? `, replaced ${replaced.join(', ')}` : '') +
    '.'
  );
}
