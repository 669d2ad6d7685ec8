/**
 * The flow in-process against a real token-auth registry, seen through the Reporter: what a
 * front end is told, in which order, and that every credential is handed over to be masked.
 */
import { mergeBatch } from '../src/flow/batch';
import { getBatch } from '../src/inputs/images';
import { getManifest, pushImage } from './helpers/fixtures';
import { type RunningRegistry, startRegistry } from './helpers/registry';
import { recordingReporter } from './helpers/reporter';

let reg: RunningRegistry;
beforeAll(async () => {
  reg = await startRegistry({ auth: 'token' });
});
afterAll(async () => {
  await reg?.stop();
});

const noPrograms = async () => {
  throw new Error('no credential helper expected');
};

describe('merge (the flow)', () => {
  it('tells its reporter the steps, the progress per repository, the secrets and the result', async () => {
    await pushImage(reg, 'flow/src', { platform: 'linux/amd64', tag: 'a' });
    await pushImage(reg, 'flow/src', { platform: 'linux/arm64', tag: 'b' });
    const batch = await getBatch(
      (name) =>
        ({
          sources: `${reg.host}/flow/src:a\n${reg.host}/flow/src:b`,
          tags: `${reg.host}/flow/out:1`,
        })[name] ?? '',
    );
    const reporter = recordingReporter();
    const login = { registries: new Set([reg.host]), username: reg.username!, password: reg.password! };
    const outputs = await mergeBatch(batch, { reporter, runProgram: noPrograms, login });

    expect(reporter.lines.filter((l) => l.startsWith('group: '))).toEqual([
      'group: Resolve sources',
      'group: Copy manifests and blobs',
      'group: Carry referrers',
      'group: Push the index',
    ]);
    expect(reporter.results).toHaveLength(1);
    expect(reporter.results[0].outputs).toEqual(outputs);
    expect((await getManifest(reg, 'flow/out', '1')).digest).toBe(outputs.digest);

    const last = reporter.progressUpdates.at(-1);
    expect(last).toMatchObject({ repository: `${reg.host}/flow/out`, children: 2 });
    expect(last?.manifests.pushed).toBe(2);

    // The password and every token the registry issued went to the front end to be masked,
    // and no line the flow wrote holds the password.
    expect(reporter.secrets).toContain(reg.password);
    expect(reporter.secrets.length).toBeGreaterThanOrEqual(3); // password, its Basic value, a token
    expect(reporter.lines.join('\n')).not.toContain(reg.password);
  });
});
