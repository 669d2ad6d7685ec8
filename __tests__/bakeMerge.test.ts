/**
 * From bake's metadata files to merged images, in-process against a REAL registry. Each
 * "platform job" pushes every bake target by digest under each of the target's names (what
 * BuildKit's `push-by-digest=true` does) and writes its metadata file as bake writes it;
 * `imagesFromBakeMetadata` turns the files into images, and the flow merges each image. Both
 * pipelines of docs/bake.md: a merge job reading every file, and jobs that each append their
 * own platform, all at once.
 */
import { randomUUID } from 'node:crypto';
import { mergeBatch } from '../src/flow/batch';
import { type BakeImage, type BakeMetadataFile, imagesFromBakeMetadata } from '../src/inputs/bake';
import { getBatch } from '../src/inputs/images';
import { getManifest, MediaTypes, pushBuildxImage } from './helpers/fixtures';
import { type RunningRegistry, startRegistry } from './helpers/registry';
import { recordingReporter } from './helpers/reporter';

let reg: RunningRegistry;
beforeAll(async () => {
  reg = await startRegistry();
});
afterAll(async () => {
  await reg?.stop();
});

const noPrograms = async () => {
  throw new Error('no credential helper expected');
};

/** Keys sorted at every level of an object, as Go's encoding/json writes a map. */
const sortedKeys = (value: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));

/**
 * One platform job: every target built for `platform` and pushed by digest under each of its
 * names (the same bytes in each repository), and the metadata file bake writes for the run.
 */
async function bakeJob(prefix: string, platform: string, targets: Record<string, readonly string[]>): Promise<BakeMetadataFile> {
  const results: Record<string, unknown> = {};
  for (const [target, repositories] of Object.entries(targets)) {
    const seed = randomUUID();
    const pushed = [];
    for (const repository of repositories) {
      pushed.push(await pushBuildxImage(reg, `${prefix}/${repository}`, { platform, seed, named: `${prefix}/${target}` }));
    }
    const { digest, size } = pushed[0].index;
    if (pushed.some((p) => p.index.digest !== digest)) throw new Error(`${target}: not the same index in every repository`);
    results[target] = sortedKeys({
      'buildx.build.ref': `builder/builder0/${randomUUID().replace(/-/g, '').slice(0, 25)}`,
      'containerimage.descriptor': { mediaType: MediaTypes.ociIndex, digest, size },
      'containerimage.digest': digest,
      'image.name': repositories.map((r) => `${reg.host}/${prefix}/${r}`).join(','),
    });
  }
  results.tests = { 'buildx.build.ref': 'builder/builder0/cacheonly' };
  return { path: `bake-meta/${platform.replace(/\//g, '-')}.json`, text: JSON.stringify(sortedKeys(results), null, 2) };
}

async function mergeImage(image: BakeImage, extra: Record<string, string> = {}): Promise<void> {
  const inputs: Record<string, string> = { sources: image.sources.join('\n'), tags: image.tags.join('\n'), ...extra };
  await mergeBatch(await getBatch((name) => inputs[name] ?? ''), { reporter: recordingReporter(), runProgram: noPrograms });
}

/** The platforms of the images an index under `repository:tag` lists. */
async function platformsAt(repository: string, tag: string): Promise<string[]> {
  const index = (await getManifest(reg, repository, tag)).json as {
    manifests: Array<{ platform: { os: string; architecture: string } }>;
  };
  return index.manifests
    .map((m) => `${m.platform.os}/${m.platform.architecture}`)
    .filter((p) => p !== 'unknown/unknown')
    .sort();
}

const TARGETS = { app: ['app', 'mirror/app'], worker: ['worker'] };

describe('bake metadata to merged images', () => {
  it('with a merge job: every target from every platform file, under every tag', async () => {
    const files = [await bakeJob('a', 'linux/amd64', TARGETS), await bakeJob('a', 'linux/arm64', TARGETS)];
    const images = imagesFromBakeMetadata(files, { tags: ['1.2.3', 'latest'] });
    expect(images.map((i) => [i.target, i.sources.length, i.tags.length])).toEqual([
      ['app', 2, 4],
      ['worker', 2, 2],
    ]);
    for (const image of images) await mergeImage(image);

    for (const repository of ['a/app', 'a/mirror/app', 'a/worker']) {
      for (const tag of ['1.2.3', 'latest']) expect(await platformsAt(repository, tag)).toEqual(['linux/amd64', 'linux/arm64']);
    }
  });

  it('without a merge job: each job appends its platform of every target, all at once', async () => {
    const files = await Promise.all(['linux/amd64', 'linux/arm64', 'linux/s390x'].map((p) => bakeJob('b', p, TARGETS)));
    await Promise.all(
      files.flatMap((file) =>
        imagesFromBakeMetadata([file], { tags: ['1.2.3'] }).map((image) => mergeImage(image, { append: 'true' })),
      ),
    );

    for (const repository of ['b/app', 'b/mirror/app', 'b/worker']) {
      expect(await platformsAt(repository, '1.2.3')).toEqual(['linux/amd64', 'linux/arm64', 'linux/s390x']);
    }
  });
});
