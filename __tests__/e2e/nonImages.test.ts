/**
 * Design rule 16, end to end: only images are merged. Attestations, signatures, referrers,
 * artifacts and referrers indexes are refused whether named by digest, by tag, through a
 * pattern or as an entry of the append base, with an error that says what they are, and
 * nothing is written. A pattern never matches referrers or cosign tags. The bundled command
 * line (and the action once) against a REAL Distribution registry.
 */
import { runAction } from '../helpers/action';
import {
  AttachmentTypes,
  digestTag,
  pushCosignSignature,
  pushReferrer,
  signingKey,
  sigstoreBundle,
} from '../helpers/attachments';
import { runCli } from '../helpers/cli';
import {
  getManifest,
  listTags,
  MediaTypes,
  pushBlob,
  pushBuildxImage,
  pushImage,
  pushIndex,
  pushManifest,
} from '../helpers/fixtures';
import { type RunningRegistry, startRegistry } from '../helpers/registry';

let reg: RunningRegistry;
beforeAll(async () => {
  reg = await startRegistry({ auth: 'none' });
});
afterAll(async () => {
  await reg?.stop();
});

const at = (repo: string) => `${reg.host}/${repo}`;
let targets = 0;

/** Runs one merge into a fresh target repository; it must fail with `message` and leave that repository empty. */
async function refused(sources: readonly string[], message: RegExp, extra: readonly string[] = []): Promise<string> {
  const repo = `refused/t${++targets}`;
  const run = await runCli([...sources.flatMap((s) => ['--source', s]), '--tag', `${at(repo)}:1`, ...extra]);
  expect(run.stderr).toMatch(message);
  expect(run.exitCode).toBe(1);
  expect(await listTags(reg, repo)).toEqual([]);
  return run.stderr;
}

describe('a source that is not an image is refused, and nothing is written', () => {
  const repo = 'src/app';
  let buildx: Awaited<ReturnType<typeof pushBuildxImage>>;
  let artifactAttestation: Awaited<ReturnType<typeof pushBuildxImage>>;
  let image: Awaited<ReturnType<typeof pushImage>>;
  let referrerDigest: string;
  let signatureDigest: string;

  beforeAll(async () => {
    buildx = await pushBuildxImage(reg, repo, { platform: 'linux/amd64', tag: 'buildx' });
    artifactAttestation = await pushBuildxImage(reg, repo, {
      platform: 'linux/arm64',
      tag: 'artifact',
      attestation: 'oci-artifact',
    });
    image = await pushImage(reg, repo, { platform: 'linux/s390x', tag: 'plain' });
    const key = signingKey();
    referrerDigest = (
      await pushReferrer(reg, repo, image, {
        artifactType: AttachmentTypes.sigstoreBundle,
        content: sigstoreBundle(`${reg.host}/${repo}`, image.digest, key.privateKey),
      })
    ).digest;
    signatureDigest = (await pushCosignSignature(reg, repo, image.digest, key.privateKey)).digest;
  });

  it('a buildx attestation manifest by digest, classic or OCI artifact: "an attestation of <image>"', async () => {
    const [a, b] = [buildx.attestation.digest, artifactAttestation.attestation.digest];
    await refused(
      [`${at(repo)}@${a}`],
      new RegExp(`source "${at(repo)}@${a}" is an attestation of ${buildx.image.digest}, not an image`),
    );
    await refused(
      [`${at(repo)}:plain`, `${at(repo)}@${b}`],
      new RegExp(`is an attestation of ${artifactAttestation.image.digest}, not an image`),
    );
  });

  it('an OCI referrer by digest, and the referrers index by tag and by digest', async () => {
    await refused(
      [`${at(repo)}@${referrerDigest}`],
      new RegExp(
        `is an artifact \\(application/vnd\\.dev\\.sigstore\\.bundle\\.v0\\.3\\+json\\) attached to ${image.digest}, not an image`,
      ),
    );
    const tag = digestTag(image.digest);
    expect(await listTags(reg, repo)).toContain(tag); // Distribution here has no referrers API: the fallback tag exists
    await refused(
      [`${at(repo)}:${tag}`],
      new RegExp(
        `source "${at(repo)}:${tag}" is a referrers index \\(the fallback tag listing what is attached to ${image.digest}\\), not an image`,
      ),
    );
    const index = await getManifest(reg, repo, tag);
    await refused([`${at(repo)}@${index.digest}`], /is a referrers index \(it lists artifacts: .*sigstore.*\), not an image/);
  });

  it('a cosign signature by tag and by digest', async () => {
    const tag = `${digestTag(image.digest)}.sig`;
    await refused([`${at(repo)}:${tag}`], new RegExp(`is a cosign signature of ${image.digest}, not an image`));
    await refused([`${at(repo)}@${signatureDigest}`], /is a cosign signature, not an image/);
  });

  it('an image config whose platform is unknown/unknown, and an artifact with a config of its own', async () => {
    await pushImage(reg, repo, { platform: 'unknown/unknown', tag: 'unknown' });
    await refused([`${at(repo)}:unknown`], /source ".*:unknown" is not an image: its config names the platform unknown\/unknown/);
    const config = await pushBlob(reg, repo, Buffer.from('{"name":"chart"}'), 'application/vnd.cncf.helm.config.v1+json');
    const bytes = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaTypes.ociManifest,
        config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
        layers: [],
      }),
    );
    await pushManifest(reg, repo, 'chart', bytes, MediaTypes.ociManifest);
    await refused([`${at(repo)}:chart`], /is an artifact \(application\/vnd\.cncf\.helm\.config\.v1\+json\), not an image/);
  });

  it('through a pattern: an attestation tagged among the images is refused', async () => {
    const p = 'src/pattern';
    await pushImage(reg, p, { platform: 'linux/amd64', tag: 'v1-amd64' });
    const b = await pushBuildxImage(reg, p, { platform: 'linux/arm64' });
    await pushManifest(reg, p, 'v1-provenance', b.attestation.bytes, MediaTypes.ociManifest);
    await refused(
      [`${at(p)}:v1-*`],
      new RegExp(`source "${at(p)}:v1-provenance" is an attestation of ${b.image.digest}, not an image`),
    );
  });

  it('the action words it the same, as one error', async () => {
    const run = await runAction({ sources: `${at(repo)}@${buildx.attestation.digest}`, tags: `${at('refused/action')}:1` }, {});
    expect(run.errors).toEqual([expect.stringContaining(`is an attestation of ${buildx.image.digest}, not an image`)]);
    expect(await listTags(reg, 'refused/action')).toEqual([]);
  });
});

describe('an append base with an entry that is not an image', () => {
  it('is refused naming the entry, and the tag stays as it was', async () => {
    const repo = 'base/app';
    const amd = await pushImage(reg, repo, { platform: 'linux/amd64' });
    const bundle = await pushReferrer(reg, repo, amd, {
      artifactType: AttachmentTypes.spdx,
      content: Buffer.from('{"spdxVersion":"SPDX-2.3"}'),
    });
    // Someone put the SBOM into the index as if it were the arm64 image.
    const base = await pushIndex(reg, repo, 'release', [
      { manifest: amd, platform: amd.platform },
      {
        manifest: bundle,
        platform: { os: 'linux', architecture: 'arm64' },
      },
    ]);
    await pushImage(reg, 'base/build', { platform: 'linux/s390x', tag: 's390x' });
    const tagsBefore = await listTags(reg, repo);
    const run = await runCli(['--source', `${at('base/build')}:s390x`, '--tag', `${at(repo)}:release`, '--append']);
    expect(run.stderr).toContain(
      `append: source "${at(repo)}:release": entry ${bundle.digest} is an artifact (${AttachmentTypes.spdx}) attached to ${amd.digest}, not an image`,
    );
    expect(run.exitCode).toBe(1);
    expect((await getManifest(reg, repo, 'release')).digest).toBe(base.digest);
    expect(await listTags(reg, repo)).toEqual(tagsBefore);
  });
});

describe('a pattern over a repository holding referrers and cosign tags', () => {
  it('matches the images only', async () => {
    const repo = 'src/signed';
    const key = signingKey();
    const amd = await pushImage(reg, repo, { platform: 'linux/amd64', tag: '1' });
    const arm = await pushImage(reg, repo, { platform: 'linux/arm64', tag: '2' });
    await pushCosignSignature(reg, repo, amd.digest, key.privateKey);
    await pushCosignSignature(reg, repo, arm.digest, key.privateKey, `${digestTag(arm.digest)}.att`);
    await pushReferrer(reg, repo, arm, {
      artifactType: AttachmentTypes.spdx,
      content: Buffer.from('{"spdxVersion":"SPDX-2.3"}'),
    });
    const tags = await listTags(reg, repo);
    expect(tags).toEqual(
      expect.arrayContaining([`${digestTag(amd.digest)}.sig`, `${digestTag(arm.digest)}.att`, digestTag(arm.digest)]),
    );
    const run = await runCli(['--source', `${at(repo)}:*`, '--tag', `${at('signed/out')}:1`]);
    expect(run.stderr).toContain(`${at(repo)}:* matches 2 tags: 1, 2`);
    expect(run.exitCode).toBe(0);
    const index = await getManifest(reg, 'signed/out', '1');
    expect(index.json.manifests.map((m: { digest: string }) => m.digest)).toEqual([amd.digest, arm.digest]);
  });
});
