import * as core from './workflow';
import { formatPlatform } from '../oci/platform';
import { attestationsSection, referrersSection } from '../referrers/summary';
import { appendSummary, formatBytes, resolvedName, type RunResult, TAG_OUTCOMES, transferCounts } from '../report/report';
import { counted } from '../util/words';

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
    .addRaw(`<p>${counted(result.requests, 'request')} in ${(result.elapsedMs / 1000).toFixed(1)} s.</p>`, true)
    .write();
}
