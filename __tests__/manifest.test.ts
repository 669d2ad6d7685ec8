import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ContentError } from '../src/errors';
import { isAttestation, parseManifest, requiredBlobs } from '../src/oci/manifest';
import { MediaType } from '../src/oci/mediaTypes';

const fixture = (name: string) => readFileSync(join(__dirname, '..', '__fixtures__', name));

describe('parseManifest', () => {
  it('reads a buildx single-platform index and recognises its attestation by annotation', () => {
    const m = parseManifest(fixture('buildx-single-platform-index-with-attestation.json'), undefined, 'x');
    expect(m.kind).toBe('index');
    if (m.kind !== 'index') return;
    expect(m.mediaType).toBe(MediaType.OciIndex);
    expect(m.manifests.map(isAttestation)).toEqual([false, true]);
    expect(m.manifests[0].platform).toEqual({ os: 'linux', architecture: 'amd64' });
  });

  it('reads a multi-platform index with variants', () => {
    const m = parseManifest(fixture('buildx-multiplatform-index-with-attestations.json'), undefined, 'x');
    if (m.kind !== 'index') throw new Error('expected an index');
    expect(m.manifests.filter((d) => !isAttestation(d))).toHaveLength(8);
    expect(m.manifests[2].platform).toEqual({ os: 'linux', architecture: 'arm', variant: 'v5' });
  });

  it('reads a Docker manifest list', () => {
    const m = parseManifest(fixture('docker-manifest-list.json'), undefined, 'x');
    expect(m.kind === 'index' && m.mediaType).toBe(MediaType.DockerList);
  });

  it('reads an image manifest and lists its blobs, skipping foreign layers', () => {
    const m = parseManifest(fixture('oci-image-manifest.json'), undefined, 'x');
    if (m.kind !== 'image') throw new Error('expected an image');
    expect(requiredBlobs(m).map((b) => b.digest)).toEqual([m.config.digest, m.layers[0].digest]);
    const foreign = parseManifest(
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: MediaType.DockerManifest,
          config: m.config,
          layers: [{ ...m.layers[0], urls: ['https://example.com/layer'] }],
        }),
      ),
      undefined,
      'x',
    );
    expect(foreign.kind === 'image' && requiredBlobs(foreign).length).toBe(1);
  });

  it('falls back to Content-Type when the body has no mediaType', () => {
    const body = JSON.parse(fixture('oci-image-manifest.json').toString()) as Record<string, unknown>;
    delete body.mediaType;
    const m = parseManifest(Buffer.from(JSON.stringify(body)), `${MediaType.DockerManifest}; charset=utf-8`, 'x');
    expect(m.mediaType).toBe(MediaType.DockerManifest);
  });

  it.each([
    ['{', /not valid JSON/],
    ['[]', /not a JSON object/],
    ['{"schemaVersion":1}', /schemaVersion 1/],
    ['{"schemaVersion":2,"mediaType":"application/json"}', /neither an image manifest nor an index/],
    ['{"schemaVersion":2,"manifests":[{"mediaType":"x","digest":"sha256:1","size":1}]}', /invalid digest/],
    [`{"schemaVersion":2,"manifests":[{"mediaType":"x","digest":"sha256:${'a'.repeat(64)}","size":-1}]}`, /invalid size/],
  ])('refuses %s', (body, message) => {
    expect(() => parseManifest(Buffer.from(body), undefined, 'src')).toThrow(ContentError);
    expect(() => parseManifest(Buffer.from(body), undefined, 'src')).toThrow(message);
  });
});
