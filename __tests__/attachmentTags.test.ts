import { attachmentTag, describeAttachmentTag } from '../src/oci/attachmentTags';

const hex = '0123456789abcdef'.repeat(4);

describe('attachmentTag (design rule 16)', () => {
  it('recognises the referrers fallback tag and cosign attachment tags', () => {
    expect(attachmentTag(`sha256-${hex}`)).toEqual({ kind: 'referrers-index', subject: `sha256:${hex}` });
    for (const suffix of ['sig', 'att', 'sbom'] as const) {
      expect(attachmentTag(`sha256-${hex}.${suffix}`)).toEqual({ kind: 'cosign', suffix, subject: `sha256:${hex}` });
    }
  });

  it.each([
    'latest',
    'sha256-abc',
    `sha256-${hex}0`,
    `sha256-${hex.toUpperCase()}`,
    `sha256-${hex}.sign`,
    `sha512-${hex}`,
    `x-sha256-${hex}`,
  ])('leaves %s alone', (tag) => expect(attachmentTag(tag)).toBeUndefined());

  it('says what the tag holds', () => {
    expect(describeAttachmentTag(attachmentTag(`sha256-${hex}.sig`)!)).toBe(`a cosign signature of sha256:${hex}`);
    expect(describeAttachmentTag(attachmentTag(`sha256-${hex}`)!)).toMatch(/^a referrers index .*sha256:/);
  });
});
