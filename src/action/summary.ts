import * as core from './workflow';
import { formatPlatform } from '../oci/platform';
import { attestationsSection, referrersSection } from '../referrers/summary';
import {
  appendSummary,
  type BatchReport,
  formatBytes,
  resolvedName,
  type RunResult,
  requestsLine,
  TAG_OUTCOMES,
  totalsLine,
  transferCounts,
} from '../report/report';

/** Summary cells are HTML: code spans must be tags, not backticks. */
function code(text: string): string {
  return `<code>${text.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</code>`;
}

/** Writes the job summary: the index, its children, the tags and what each repository needed. */
export async function writeJobSummary(result: RunResult): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const { plan } = result;
  const rows = plan.children.map((c) => [
    c.kind === 'image' ? code(formatPlatform(c.descriptor.platform)) : 'attestation',
    code(c.descriptor.digest),
    formatBytes(c.descriptor.size),
    code(c.source.toString()),
  ]);
  const tagLines = result.tags.map((t) => `${code(t.reference)}: ${TAG_OUTCOMES[t.outcome]}`);
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
    .addRaw(result.base ? `<p>${appendSummary(result, code)}</p>` : '', true)
    .addRaw('<p><b>Sources</b></p>', true)
    .addList(result.sources.map((s) => code(resolvedName(s)) + (s === result.base ? ' (append base)' : '')))
    .addRaw('<p><b>Tags</b></p>', true)
    .addList(tagLines)
    .addRaw('<p><b>Content</b></p>', true)
    .addList(result.transfers.map((t) => `${code(t.repository)}: ${transferCounts(t, result.dryRun)}`))
    .addRaw(attestationsSection(result.referrers, code), true)
    .addRaw(referrersSection(result.referrers, code), true)
    .addRaw(`<p>${requestsLine(result)}.</p>`, true)
    .write();
}

/**
 * A batch's job summary: one row per image (its tags and what happened to them, its digest and
 * platforms, what its repositories needed), then the batch's totals (design rule 24).
 */
export async function writeBatchSummary(batch: BatchReport): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const dryRun = batch.totals.dryRun;
  const rows = batch.images.map((r) => [
    r.tags.map((t) => `${code(t.reference)}: ${TAG_OUTCOMES[t.outcome]}`).join('<br>'),
    code(r.plan.index.digest),
    r.plan.platforms.map(code).join(' '),
    r.transfers.map((t) => `${code(t.repository)}: ${transferCounts(t, dryRun)}`).join('<br>'),
  ]);
  await core.summary
    .addHeading(
      dryRun
        ? `Multi-arch merge of ${batch.images.length} images (dry run)`
        : `Multi-arch merge of ${batch.images.length} images`,
      3,
    )
    .addTable([
      [
        { data: 'Tags', header: true },
        { data: 'Digest', header: true },
        { data: 'Platforms', header: true },
        { data: 'Content', header: true },
      ],
      ...rows,
    ])
    .addRaw(`<p>${totalsLine(batch.totals)}.</p>`, true)
    .write();
}
