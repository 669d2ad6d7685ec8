import type { Digest } from '../src/oci/digest';
import { digestTag, referrerDescriptor, referrerFields } from '../src/referrers/attachment';

const subject = `sha256:${'a'.repeat(64)}` as Digest;

describe('attachment helpers', () => {
  it('names the fallback tag as the referrers tag schema does', () => {
    expect(digestTag(subject)).toBe(`sha256-${'a'.repeat(64)}`);
  });

  it('reads subject, artifactType and annotations of a referrer', () => {
    const bytes = Buffer.from(
      JSON.stringify({
        artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        config: { mediaType: 'application/vnd.oci.empty.v1+json' },
        subject: { digest: subject },
        annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope' },
      }),
    );
    expect(referrerFields(bytes)).toEqual({
      subject,
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope' },
    });
    expect(referrerDescriptor(subject, 'application/vnd.oci.image.manifest.v1+json', bytes)).toEqual({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      digest: subject,
      size: bytes.length,
      artifactType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      annotations: { 'dev.sigstore.bundle.content': 'dsse-envelope' },
    });
  });

  it("takes the config's media type when there is no artifactType (as the referrers API does), and ignores what is malformed", () => {
    const cosign = Buffer.from(
      JSON.stringify({ config: { mediaType: 'application/vnd.oci.image.config.v1+json' }, annotations: { n: 1 } }),
    );
    expect(referrerFields(cosign)).toEqual({ artifactType: 'application/vnd.oci.image.config.v1+json' });
    expect(referrerFields(Buffer.from(JSON.stringify({ subject: { digest: 'sha256:short' } })))).toEqual({});
    expect(referrerFields(Buffer.from('not json'))).toEqual({});
  });
});
