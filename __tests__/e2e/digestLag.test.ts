/**
 * Design rule 18, end to end: a source named by digest that the registry does not show yet (as
 * GHCR may for a moment after another job pushed it) is asked again, and the run succeeds once
 * it appears; a source named by tag that does not exist fails at once. The bundled command line
 * against a REAL Distribution registry; the digest is pushed 3 s after the run started.
 */
import { runCli } from '../helpers/cli';
import { getManifest, MediaTypes, pushImage, pushManifest, sha256Digest } from '../helpers/fixtures';
import { type RunningRegistry, startRegistry } from '../helpers/registry';

let reg: RunningRegistry;
beforeAll(async () => {
  reg = await startRegistry({ auth: 'none' });
});
afterAll(async () => {
  await reg?.stop();
});

describe('a source not there yet', () => {
  it('named by digest: the run waits for it and merges it once it appears (pushed 3 s after the start)', async () => {
    const repo = 'lag/app';
    const amd = await pushImage(reg, repo, { platform: 'linux/amd64' });
    const arm = await pushImage(reg, repo, { platform: 'linux/arm64' });
    const bytes = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MediaTypes.ociIndex,
        manifests: [{ mediaType: MediaTypes.ociManifest, digest: arm.digest, size: arm.size, platform: arm.platform }],
      }),
    );
    const late = sha256Digest(bytes);
    const started = Date.now();
    const running = runCli([
      '--source',
      `${reg.host}/${repo}@${amd.digest}`,
      '--source',
      `${reg.host}/${repo}@${late}`,
      '--tag',
      `${reg.host}/lag/out:1`,
    ]);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    await pushManifest(reg, repo, late, bytes, MediaTypes.ociIndex);
    const run = await running;
    expect(run.stderr).toContain(`source "${reg.host}/${repo}@${late}" is not there yet (404); asking again for up to 10 s`);
    expect(run.exitCode).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(3_000);
    const index = await getManifest(reg, 'lag/out', '1');
    expect(index.json.manifests.map((m: { digest: string }) => m.digest)).toEqual([amd.digest, arm.digest]);
  });

  it('named by tag: fails at once', async () => {
    const started = Date.now();
    const run = await runCli(['--source', `${reg.host}/lag/app:missing`, '--tag', `${reg.host}/lag/out:2`]);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toMatch(new RegExp(`source "${reg.host}/lag/app:missing" was not found \\(.*404`));
    expect(run.stderr).not.toContain('asking again');
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
