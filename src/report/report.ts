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
}

/** `registry/repo:tag@sha256:…`, or `registry/repo@sha256:…` for a source named by digest only. */
export function resolvedName(source: ResolvedSource): string {
  const r = source.reference;
  return `${r.name}${r.tag !== undefined ? `:${r.tag}` : ''}@${source.digest}`;
}

export function outputsOf(result: RunResult): Outputs {
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
  };
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
