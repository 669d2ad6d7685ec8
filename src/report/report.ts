import * as core from '@actions/core';
import type { Plan } from '../plan/plan';
import type { TagResult } from '../publish/publish';
import type { RepositoryTransfer } from '../transfer/transfer';
import { formatPlatform } from '../oci/platform';
import type { Reference } from '../oci/reference';
import type { ReferrersReport } from '../referrers/referrers';
import { referrersSection } from '../referrers/summary';
import type { ResolvedSource } from '../resolve/resolve';

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
  /** Issue 11: what was attached to the children, and what of it was carried. */
  readonly referrers?: ReferrersReport;
}

export interface Outputs {
  readonly digest: string;
  readonly image: string;
  readonly manifest: string;
  readonly platforms: string;
  readonly 'media-type': string;
  readonly sources: string;
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
  };
}

/** Summary cells are HTML: code spans must be tags, not backticks. */
function code(text: string): string {
  return `<code>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</code>`;
}

function formatBytes(n: number): string {
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

function transferLine(t: RepositoryTransfer, dryRun: boolean): string {
  const b = t.blobs;
  const m = t.manifests;
  const blobs = dryRun
    ? `${b.present} blobs present, ${b['would-copy']} to mount or copy`
    : `${b.present} blobs present, ${b.mounted} mounted, ${b.copied} copied (${formatBytes(t.bytesCopied)})`;
  const manifests = dryRun
    ? `${m.present} manifests present, ${m['would-push']} to push`
    : `${m.present} manifests present, ${m.pushed} pushed`;
  return `${code(t.repository)}: ${blobs}; ${manifests}`;
}

function appendLine(result: RunResult): string {
  const { base, plan } = result;
  if (!base) return '';
  const replaced = plan.replaced.map((c) => code(formatPlatform(c.descriptor.platform)));
  const kept = base.images.length - plan.replaced.length;
  return (
    `<p>Appended to ${code(resolvedName(base))}: ${kept} entr${kept === 1 ? 'y' : 'ies'} kept` +
    (replaced.length > 0 ? `, replaced ${replaced.join(', ')}` : '') +
    '.</p>'
  );
}

/** Sets the step outputs and writes the job summary. */
export async function report(result: RunResult): Promise<Outputs> {
  const outputs = outputsOf(result);
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);

  const { plan } = result;
  const rows = plan.children.map((c) => [
    c.kind === 'image' ? code(formatPlatform(c.descriptor.platform)) : 'attestation',
    code(c.descriptor.digest),
    formatBytes(c.descriptor.size),
    code(c.source.toString()),
  ]);
  const tagLines = result.tags.map((t) => {
    const what = { written: 'written', unchanged: 'already at this digest', 'would-write': 'would be written (dry run)' }[
      t.outcome
    ];
    return `${code(t.reference)}: ${what}`;
  });
  if (!process.env.GITHUB_STEP_SUMMARY) return outputs;
  await core.summary
    .addHeading(result.dryRun ? 'Multi-arch merge (dry run)' : 'Multi-arch merge', 3)
    .addRaw(`<p>Index ${code(plan.index.digest)} (${plan.index.mediaType}), ${plan.platforms.length} platforms.</p>`, true)
    .addTable([
      [
        { data: 'Platform', header: true },
        { data: 'Digest', header: true },
        { data: 'Size', header: true },
        { data: 'Source', header: true },
      ],
      ...rows,
    ])
    .addRaw(appendLine(result), true)
    .addRaw('<p><b>Sources</b></p>', true)
    .addList(result.sources.map((s) => code(resolvedName(s)) + (s === result.base ? ' (append base)' : '')))
    .addRaw('<p><b>Tags</b></p>', true)
    .addList(tagLines)
    .addRaw('<p><b>Content</b></p>', true)
    .addList(result.transfers.map((t) => transferLine(t, result.dryRun)))
    .addRaw(referrersSection(result.referrers, code), true)
    .addRaw(`<p>${result.requests} requests in ${(result.elapsedMs / 1000).toFixed(1)} s.</p>`, true)
    .write();
  return outputs;
}
