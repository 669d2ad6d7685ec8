import type { Digest } from '../src/oci/digest';
import type { ReferrersReport } from '../src/referrers/referrers';
import { attestationsSection, referrersSection } from '../src/referrers/summary';

const code = (t: string) => `<code>${t}</code>`;
const digest = `sha256:${'1'.repeat(64)}` as Digest;
const base: ReferrersReport = { mode: 'copy', dryRun: false, children: [], missed: [], transfers: [], attestations: [] };

describe('referrersSection', () => {
  it('is empty without a report and says when referrers were skipped', () => {
    expect(referrersSection(undefined, code)).toBe('');
    expect(referrersSection({ ...base, mode: 'skip' }, code)).toContain(
      '<b>Referrers</b>: skipped (<code>referrers: skip</code>)',
    );
  });

  it('shows per child what was found and carried, then what was not carried and why', () => {
    const html = referrersSection(
      {
        ...base,
        children: [
          { label: 'linux/amd64', digest, found: 3, carried: 2 },
          { label: 'attestation of linux/amd64', digest, found: 0, carried: 0 },
        ],
        missed: [{ what: 'r/app:sha256-x.sig', why: 'attached to the index' }],
      },
      code,
    );
    expect(html).toContain(`<li><code>linux/amd64</code> <code>${digest}</code>: 3 found, 2 carried</li>`);
    expect(html).toContain(`<li><code>attestation of linux/amd64</code> <code>${digest}</code>: 0 found, 0 carried</li>`);
    expect(html).toContain('<p><b>Not carried</b></p>\n<ul><li><code>r/app:sha256-x.sig</code>: attached to the index</li></ul>');
    expect(referrersSection({ ...base, dryRun: true, children: [{ label: 'l', digest, found: 1, carried: 1 }] }, code)).toContain(
      '1 found, 1 would be carried',
    );
    expect(referrersSection(base, code)).not.toContain('Not carried');
  });

  it('says per target repository what was written for the attachments', () => {
    const counts = { present: 1, mounted: 2, copied: 1, pushed: 3, 'would-mount': 0, 'would-copy': 0, 'would-push': 0 };
    const idle = { present: 0, mounted: 0, copied: 0, pushed: 0, 'would-mount': 0, 'would-copy': 0, 'would-push': 0 };
    const html = referrersSection(
      {
        ...base,
        transfers: [
          { repository: 'r.io/app', blobs: counts, manifests: counts, bytesCopied: 0 },
          { repository: 'r.io/same', blobs: idle, manifests: idle, bytesCopied: 0 },
        ],
      },
      code,
    );
    expect(html).toContain('<li><code>r.io/app</code>: 3 pushed, 1 present; 3 blobs mounted or copied</li>');
    expect(html).not.toContain('r.io/same');
  });
});

describe('attestationsSection', () => {
  it('is empty when no attestation was relocated', () => {
    expect(attestationsSection(undefined, code)).toBe('');
    expect(attestationsSection(base, code)).toBe('');
  });

  it('lists each attestation written as a referrer: platform, predicate types, digest, subject, what happened', () => {
    const subject = `sha256:${'2'.repeat(64)}` as Digest;
    const html = attestationsSection(
      {
        ...base,
        attestations: [
          {
            platform: 'linux/arm64',
            predicateTypes: ['https://slsa.dev/provenance/v0.2', 'https://spdx.dev/Document'],
            digest,
            subject,
            outcome: 'present',
          },
        ],
      },
      code,
    );
    expect(html).toContain('<b>Attestations as referrers</b>');
    expect(html).toContain(
      `<tr><td><code>linux/arm64</code></td><td><code>https://slsa.dev/provenance/v0.2</code><br><code>https://spdx.dev/Document</code></td>` +
        `<td><code>${digest}</code></td><td><code>${subject}</code></td><td>already there</td></tr>`,
    );
  });
});
