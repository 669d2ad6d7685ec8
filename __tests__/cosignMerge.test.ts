/** Adding signatures to a cosign manifest the target holds (design rule 19): layers, config, nothing twice. */
import { configOf, extendedConfig, missingLayers, withLayers } from '../src/referrers/cosignMerge';

const layer = (digest: string, signature: string) => ({
  mediaType: 'application/vnd.dev.cosign.simplesigning.v1+json',
  digest,
  size: 10,
  annotations: { 'dev.cosignproject.cosign/signature': signature },
});
const manifest = (...layers: object[]) =>
  Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'c'.repeat(64)}`, size: 99 },
      layers,
    }),
  );

describe('cosign manifests', () => {
  it('finds the carried signatures the target lacks: the same payload signed by another key is another signature', () => {
    const theirs = manifest(layer('sha256:a', 'sig-1'));
    const carried = manifest(layer('sha256:a', 'sig-1'), layer('sha256:a', 'sig-2'), layer('sha256:b', 'sig-3'));
    expect(missingLayers(theirs, carried, 'w').map((l) => l.annotations)).toEqual([
      { 'dev.cosignproject.cosign/signature': 'sig-2' },
      { 'dev.cosignproject.cosign/signature': 'sig-3' },
    ]);
    expect(missingLayers(carried, theirs, 'w')).toEqual([]);
  });

  it("adds them after the target's own, with the new config", () => {
    const theirs = manifest(layer('sha256:a', 'sig-1'));
    const added = missingLayers(theirs, manifest(layer('sha256:b', 'sig-2')), 'w');
    const config = { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${'d'.repeat(64)}`, size: 120 };
    const merged = JSON.parse(withLayers(theirs, added, config, 'w').toString());
    expect(merged.layers.map((l: { digest: string }) => l.digest)).toEqual(['sha256:a', 'sha256:b']);
    expect(merged.config).toEqual(config);
    expect(configOf(theirs, 'w')?.size).toBe(99);
  });

  it("records the added layers in the config as cosign's append does, and leaves a config without rootfs alone", () => {
    const config = Buffer.from(JSON.stringify({ os: '', rootfs: { type: 'layers', diff_ids: ['sha256:a'] }, history: [{}] }));
    const extended = JSON.parse(extendedConfig(config, [layer('sha256:b', 's') as never])!.toString());
    expect(extended.rootfs.diff_ids).toEqual(['sha256:a', 'sha256:b']);
    expect(extended.history).toHaveLength(2);
    expect(extendedConfig(Buffer.from('{}'), [])).toBeUndefined();
    expect(extendedConfig(Buffer.from('not json'), [])).toBeUndefined();
  });

  it('refuses what is not a cosign manifest, naming the tag', () => {
    expect(() => missingLayers(Buffer.from('{"manifests":[]}'), manifest(), 'reg/app:sha256-x.sig')).toThrow(
      'reg/app:sha256-x.sig: not a cosign manifest (no "layers")',
    );
  });
});
