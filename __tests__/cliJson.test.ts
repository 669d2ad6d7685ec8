import { jsonResult } from '../src/cli/json';
import type { Outputs } from '../src/report/report';

const INDEX = JSON.stringify(
  { schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [{ digest: 'sha256:a', size: 1 }] },
  null,
  2,
);
const outputs: Outputs = {
  digest: 'sha256:1',
  image: 'r.io/app@sha256:1',
  manifest: INDEX,
  platforms: 'linux/amd64,linux/arm64/v8',
  'media-type': 'application/vnd.oci.image.index.v1+json',
  sources: 'r.io/app:a@sha256:a\nr.io/app:b@sha256:b',
  attestations: JSON.stringify([{ platform: 'linux/amd64', predicateTypes: ['p'], digest: 'sha256:c', subject: 'sha256:a' }]),
  images: JSON.stringify([
    { image: 'r.io/app@sha256:1', tags: ['r.io/app:1'], digest: 'sha256:1', platforms: ['linux/amd64', 'linux/arm64/v8'] },
  ]),
};

describe('jsonResult (--json)', () => {
  it("has the action's outputs as keys, in their order, lists as arrays and the index as an object", () => {
    const json = jsonResult(outputs);
    expect(Object.keys(json)).toEqual(Object.keys(outputs));
    expect(json).toEqual({
      digest: 'sha256:1',
      image: 'r.io/app@sha256:1',
      manifest: JSON.parse(INDEX),
      platforms: ['linux/amd64', 'linux/arm64/v8'],
      'media-type': 'application/vnd.oci.image.index.v1+json',
      sources: ['r.io/app:a@sha256:a', 'r.io/app:b@sha256:b'],
      attestations: [{ platform: 'linux/amd64', predicateTypes: ['p'], digest: 'sha256:c', subject: 'sha256:a' }],
      images: [
        { image: 'r.io/app@sha256:1', tags: ['r.io/app:1'], digest: 'sha256:1', platforms: ['linux/amd64', 'linux/arm64/v8'] },
      ],
    });
    // The index as pushed is its JSON with two-space indentation: the object gives those bytes back.
    expect(JSON.stringify(json.manifest, null, 2)).toBe(INDEX);
  });

  it('gives empty lists as [], never [""]', () => {
    const json = jsonResult({ ...outputs, sources: '', platforms: '', attestations: '[]' });
    expect([json.sources, json.platforms, json.attestations]).toEqual([[], [], []]);
  });
});
