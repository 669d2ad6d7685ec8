import type { ReferrersReport } from './referrers';
import { counted } from '../util/words';

/**
 * The job summary's referrers section: per child, how many attachments were found
 * and carried, then what could not come along and why. `code` renders a code span.
 */
export function referrersSection(report: ReferrersReport | undefined, code: (text: string) => string): string {
  if (report === undefined) return '';
  if (report.mode === 'skip') {
    return (
      `<p><b>Referrers</b>: skipped (${code('referrers: skip')}); signatures, SBOMs and attestations ` +
      'attached to the children were not looked for and stay where they are.</p>'
    );
  }
  const verb = report.dryRun ? 'would be carried' : 'carried';
  const items = report.children.map((c) => `<li>${code(c.label)} ${code(c.digest)}: ${c.found} found, ${c.carried} ${verb}</li>`);
  const missed = report.missed.map((m) => `<li>${code(m.what)}: ${m.why}</li>`);
  const written = report.transfers
    .filter((t) => Object.values(t.manifests).some((n) => n > 0))
    .map((t) => {
      const m = t.manifests;
      const b = t.blobs;
      return report.dryRun
        ? `<li>${code(t.repository)}: ${m['would-push']} to push, ${m.present} present; ${counted(b['would-mount'] + b['would-copy'], 'blob')} to mount or copy</li>`
        : `<li>${code(t.repository)}: ${m.pushed} pushed, ${m.present} present; ${counted(b.mounted + b.copied, 'blob')} mounted or copied</li>`;
    });
  return [
    `<p><b>Referrers</b> (signatures, SBOMs, attestations attached to the children)</p>`,
    `<ul>${items.join('')}</ul>`,
    ...(written.length > 0 ? [`<ul>${written.join('')}</ul>`] : []),
    ...(missed.length > 0 ? ['<p><b>Not carried</b></p>', `<ul>${missed.join('')}</ul>`] : []),
  ].join('\n');
}

/**
 * The job summary's section on attestations written as referrers of their images: platform,
 * predicate types and digest of each, and how to list them.
 */
export function attestationsSection(report: ReferrersReport | undefined, code: (text: string) => string): string {
  if (report === undefined || report.attestations.length === 0) return '';
  const done = { pushed: 'written', present: 'already there', 'would-push': 'would be written' } as const;
  const rows = report.attestations.map(
    (a) =>
      `<tr><td>${code(a.platform)}</td><td>${a.predicateTypes.map(code).join('<br>') || 'attestation'}</td>` +
      `<td>${code(a.digest)}</td><td>${code(a.subject)}</td><td>${done[a.outcome]}</td></tr>`,
  );
  return [
    `<p><b>Attestations as referrers</b> (${code('attestations: referrers')}): not in the index; attached to their images, ` +
      `listed by ${code('oras discover')}, ${code('regctl artifact list')} or ${code('cosign tree')}</p>`,
    '<table><tr><th>Platform</th><th>Predicate type</th><th>Referrer</th><th>Subject</th><th>Result</th></tr>' +
      `${rows.join('')}</table>`,
  ].join('\n');
}
