import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  credentialHelpers,
  dockerCredentials as readConfig,
  type DockerCredentialOptions,
  type HelperRunner,
  withLogin,
} from '../src/registry/credentials';

const noHelpers: HelperRunner = async () => {
  throw new Error('no credential helper expected');
};
const masked: string[] = [];
const dockerCredentials = (o: Partial<DockerCredentialOptions>) =>
  // authConfig '': the environment's DOCKER_AUTH_CONFIG, if any, stays out of these tests.
  readConfig({ runHelper: noHelpers, mask: (v) => void masked.push(v), authConfig: '', ...o });

async function configDir(config: object): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'creds-'));
  await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify(config));
  return dir;
}
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('dockerCredentials', () => {
  it('reads auths as docker/login-action writes them, whatever the key spelling', async () => {
    const dir = await configDir({
      auths: {
        'https://index.docker.io/v1/': { auth: b64('hub-user:hub:pass') },
        'https://ghcr.io/v2/': { auth: b64('gh:ghp') },
        'registry.example.com:5000': { identitytoken: 'refresh-me' },
        'plain.example.com': { username: 'u', password: 'p' },
      },
    });
    const creds = await dockerCredentials({ configDir: dir });
    expect(await creds.get('docker.io')).toEqual({ kind: 'basic', username: 'hub-user', password: 'hub:pass' });
    expect(await creds.get('ghcr.io')).toEqual({ kind: 'basic', username: 'gh', password: 'ghp' });
    expect(await creds.get('registry.example.com:5000')).toEqual({ kind: 'identity-token', token: 'refresh-me' });
    expect(await creds.get('plain.example.com')).toEqual({ kind: 'basic', username: 'u', password: 'p' });
    expect(await creds.get('other.example.com')).toBeUndefined();
    // Each password, its Basic header value and each identity token are masked.
    expect(masked).toEqual(expect.arrayContaining(['hub:pass', b64('hub-user:hub:pass'), 'ghp', 'refresh-me', 'p']));
  });

  it('uses github-token for ghcr.io only, and only when the config has nothing for it', async () => {
    const empty = await dockerCredentials({ configDir: await configDir({}), githubToken: 'ghs_x', githubActor: 'octocat' });
    expect(await empty.get('ghcr.io')).toEqual({ kind: 'basic', username: 'octocat', password: 'ghs_x' });
    expect(await empty.get('docker.io')).toBeUndefined();
    expect(await empty.get('ghcr.io.evil.example')).toBeUndefined();
    const configured = await dockerCredentials({
      configDir: await configDir({ auths: { 'ghcr.io': { auth: b64('me:pat') } } }),
      githubToken: 'ghs_x',
    });
    expect(await configured.get('ghcr.io')).toEqual({ kind: 'basic', username: 'me', password: 'pat' });
  });

  it('asks credHelpers before credsStore, with docker server URLs, and maps <token> to an identity token', async () => {
    const asked: string[] = [];
    const runHelper: HelperRunner = async (helper, server) => {
      asked.push(`${helper} ${server}`);
      if (server === 'https://index.docker.io/v1/') return { Username: '<token>', Secret: 'id-token' };
      if (server === 'ecr.example.com') return { Username: 'AWS', Secret: 'ecr-pass' };
      return undefined;
    };
    const dir = await configDir({ credsStore: 'desktop', credHelpers: { 'ecr.example.com': 'ecr-login' } });
    const creds = await dockerCredentials({ configDir: dir, runHelper });
    expect(await creds.get('docker.io')).toEqual({ kind: 'identity-token', token: 'id-token' });
    expect(await creds.get('ecr.example.com')).toEqual({ kind: 'basic', username: 'AWS', password: 'ecr-pass' });
    expect(await creds.get('quay.io')).toBeUndefined();
    await creds.get('ecr.example.com');
    expect(asked).toEqual(['desktop https://index.docker.io/v1/', 'ecr-login ecr.example.com', 'desktop quay.io']);
  });

  it('treats a missing config as anonymous and a broken one as an error', async () => {
    const missing = await dockerCredentials({ configDir: path.join(os.tmpdir(), 'does-not-exist-xyz') });
    expect(await missing.get('ghcr.io')).toBeUndefined();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'creds-'));
    await fs.writeFile(path.join(dir, 'config.json'), '{not json');
    await expect(dockerCredentials({ configDir: dir })).rejects.toThrow(/cannot read the Docker config/);
  });
});

describe('DOCKER_AUTH_CONFIG, as GitLab CI provides it', () => {
  const gitlab = { auths: { 'registry.gitlab.com': { auth: b64('gitlab-ci-token:glcbt-secret') } } };

  it('reads the JSON in the variable, before config.json, which still answers for other registries', async () => {
    const dir = await configDir({
      auths: { 'registry.gitlab.com': { auth: b64('old:stale') }, 'ghcr.io': { auth: b64('gh:ghp') } },
    });
    const creds = await dockerCredentials({ configDir: dir, authConfig: JSON.stringify(gitlab) });
    expect(await creds.get('registry.gitlab.com')).toEqual({
      kind: 'basic',
      username: 'gitlab-ci-token',
      password: 'glcbt-secret',
    });
    expect(await creds.get('ghcr.io')).toEqual({ kind: 'basic', username: 'gh', password: 'ghp' });
    expect(masked).toEqual(expect.arrayContaining(['glcbt-secret', b64('gitlab-ci-token:glcbt-secret')]));
  });

  it('reads the file a variable of type File names', async () => {
    const dir = await configDir(gitlab);
    const creds = await dockerCredentials({
      configDir: path.join(os.tmpdir(), 'does-not-exist-xyz'),
      authConfig: path.join(dir, 'config.json'),
    });
    expect(await creds.get('registry.gitlab.com')).toEqual({
      kind: 'basic',
      username: 'gitlab-ci-token',
      password: 'glcbt-secret',
    });
  });

  it('is read from the environment when no value is given', async () => {
    const saved = process.env.DOCKER_AUTH_CONFIG;
    process.env.DOCKER_AUTH_CONFIG = JSON.stringify(gitlab);
    try {
      const creds = await readConfig({
        configDir: path.join(os.tmpdir(), 'does-not-exist-xyz'),
        runHelper: noHelpers,
        mask: () => undefined,
      });
      expect(await creds.get('registry.gitlab.com')).toMatchObject({ username: 'gitlab-ci-token' });
    } finally {
      if (saved === undefined) delete process.env.DOCKER_AUTH_CONFIG;
      else process.env.DOCKER_AUTH_CONFIG = saved;
    }
  });

  it('asks the credential helpers it names', async () => {
    const runHelper: HelperRunner = async (helper, server) => ({ Username: helper, Secret: `${server}-secret` });
    const creds = await dockerCredentials({
      configDir: path.join(os.tmpdir(), 'does-not-exist-xyz'),
      authConfig: JSON.stringify({ credHelpers: { 'ecr.example.com': 'ecr-login' } }),
      runHelper,
    });
    expect(await creds.get('ecr.example.com')).toEqual({
      kind: 'basic',
      username: 'ecr-login',
      password: 'ecr.example.com-secret',
    });
    expect(await creds.get('quay.io')).toBeUndefined();
  });

  it('refuses what is not a Docker config, without quoting it (it is a secret)', async () => {
    const dir = path.join(os.tmpdir(), 'does-not-exist-xyz');
    const broken = '{"auths": {"r.io": {"auth": "c2VjcmV0OnZhbHVl"}';
    const error = await dockerCredentials({ configDir: dir, authConfig: broken }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^DOCKER_AUTH_CONFIG is not valid JSON/);
    expect((error as Error).message).not.toContain('c2VjcmV0');
    await expect(dockerCredentials({ configDir: dir, authConfig: '[]' })).rejects.toThrow(/must hold a JSON object/);
    await expect(dockerCredentials({ configDir: dir, authConfig: '/no/such/file' })).rejects.toThrow(
      /DOCKER_AUTH_CONFIG holds neither .* \(ENOENT\)/,
    );
    await expect(
      dockerCredentials({ configDir: dir, authConfig: JSON.stringify({ auths: { 'r.io': { auth: b64('nocolon') } } }) }).then(
        (c) => c.get('r.io'),
      ),
    ).rejects.toThrow(/^DOCKER_AUTH_CONFIG entry for r\.io has a malformed "auth" field/);
  });
});

describe('withLogin', () => {
  it('answers the login for its registries, whatever the spelling, and the Docker config for the others', async () => {
    const config = await dockerCredentials({ configDir: await configDir({ auths: { 'other.io': { auth: b64('o:op') } } }) });
    const secrets: string[] = [];
    const login = { registries: new Set(['registry.gitlab.example', 'docker.io']), username: 'ci', password: 'job-token' };
    const creds = withLogin(login, config, (v) => void secrets.push(v));
    expect(secrets).toEqual(['job-token', b64('ci:job-token')]);
    const ci = { kind: 'basic', username: 'ci', password: 'job-token' };
    expect(await creds.get('registry.gitlab.example')).toEqual(ci);
    expect(await creds.get('https://index.docker.io/v1/')).toEqual(ci);
    expect(await creds.get('other.io')).toEqual({ kind: 'basic', username: 'o', password: 'op' });
    expect(await creds.get('third.io')).toBeUndefined();
  });
});

describe('credentialHelpers', () => {
  it('runs docker-credential-<helper> get with the server URL on stdin', async () => {
    const runs: string[] = [];
    const helpers = credentialHelpers(async (command, args, input) => {
      runs.push(`${command} ${args.join(' ')} <${input.toString()}`);
      if (input.toString() === 'none.io') return { exitCode: 1, stdout: 'credentials not found in native keychain', stderr: '' };
      if (input.toString() === 'broken.io') return { exitCode: 2, stdout: '', stderr: 'boom' };
      return { exitCode: 0, stdout: '{"Username":"u","Secret":"s"}', stderr: '' };
    });
    expect(await helpers('pass', 'ok.io')).toEqual({ Username: 'u', Secret: 's' });
    expect(await helpers('pass', 'none.io')).toBeUndefined();
    await expect(helpers('pass', 'broken.io')).rejects.toThrow('docker-credential-pass get failed for broken.io (exit 2)');
    expect(runs[0]).toBe('docker-credential-pass get <ok.io');
  });
});
