/**
 * Bad input, end to end: each malformed input, run through the real entry point,
 * gives exactly one `::error` naming the input, and not a single request reaches any registry.
 * Sources and targets point at a counting proxy in front of a REAL registry; anything else
 * would have to pass the HTTP(S)_PROXY, which counts too. (The unit-level table is in
 * __tests__/context.test.ts.)
 */
import { runAction } from '../helpers/action';
import { type ConnectProxy, startConnectProxy } from '../helpers/connectProxy';
import { type FaultProxy, startFaultProxy } from '../helpers/faultProxy';
import { type RunningRegistry, startRegistry } from '../helpers/registry';

const D = `sha256:${'c'.repeat(64)}`;
/** Stands for the proxy's address in the table; replaced per test. */
const P = '{registry}';

// input, values (on top of valid sources and tags), what the message must say
const cases: Array<[string, Record<string, string>, RegExp]> = [
  ['sources', { sources: '' }, /at least one image reference is required/],
  ['sources', { sources: ' ,\n , ' }, /at least one image reference is required/],
  ['sources', { sources: `${P}/bad/a:1\n${P}/bad/a:1` }, /listed twice/],
  ['sources', { sources: `${P}/Bad/App:1` }, /must be lowercase; use ".*\/bad\/app:1"/],
  ['sources', { sources: `${P}/bad/a:` }, /invalid tag/],
  ['sources', { sources: `${P}/bad/a@sha256:xyz` }, /invalid digest/],
  ['sources', { sources: `${P}/bad/a@sha256:${'A'.repeat(64)}` }, /invalid digest/],
  ['sources', { sources: `${P}/bad/a b:1` }, /white space/],
  ['sources', { sources: `${P}//a:1` }, /invalid repository/],
  ['sources', { sources: 'bad_host.io/a:1' }, /invalid registry "bad_host\.io"/],
  ['sources', { sources: `https://${P}/a:1` }, /invalid registry "https:"/],
  ['sources', { sources: `${P}/${'a'.repeat(260)}:1` }, /longer than 255/],
  ['tags', { tags: '' }, /at least one target reference/],
  ['tags', { tags: `${P}/bad/app@${D}` }, /has a digest; a target names a tag/],
  ['tags', { tags: `${P}/bad/app:1@${D}` }, /has a digest; a target names a tag/],
  ['tags', { tags: `${P}/bad/app:1, ${P}/bad/app:1` }, /listed twice/],
  ['tags', { tags: 'registry.test/Owner/Repo:1' }, /use "registry\.test\/owner\/repo:1"/],
  ['tags', { tags: `${P}/bad/app:.hidden` }, /invalid tag/],
  ['tags', { tags: `${P}/bad/app:${'t'.repeat(129)}` }, /invalid tag/],
  ['tags', { tags: `${P}/bad/app:v1+build` }, /invalid tag/],
  ['tags', { tags: `${P}/bad/app:1-*` }, /tag patterns \("\*", "\?"\) are for sources only/],
  ['sources', { sources: `${P}/bad/app-*:1` }, /"\*" and "\?" are allowed only in the tag/],
  ['sources', { sources: `${P}/bad/app:1-*@${D}` }, /a tag pattern cannot carry a digest/],
  ['append', { append: 'yes' }, /not a boolean/],
  ['attestations', { attestations: 'drop' }, /"drop" is not one of strip, keep/],
  ['platforms', { platforms: 'linux' }, /"linux" is not a platform/],
  ['platforms', { platforms: 'linux/amd64/v2/x' }, /not a platform/],
  ['platforms', { platforms: 'linux//amd64' }, /not a platform/],
  ['platforms', { platforms: 'Linux/AMD64' }, /not a platform/],
  ['platforms', { platforms: 'linux/arm64, linux/arm64/v8' }, /names a platform already listed/],
  ['annotations', { annotations: 'no-value' }, /is not key=value/],
  ['annotations', { annotations: '=value' }, /has an empty key/],
  ['annotations', { annotations: 'org.example.a=1\norg.example.a=2' }, /given twice/],
  ['annotations', { annotations: 'bad key=v' }, /characters annotation keys do not allow/],
  ['media-type', { 'media-type': 'oci-index' }, /not one of oci, docker, auto/],
  ['dry-run', { 'dry-run': 'yes' }, /not a boolean/],
  ['dry-run', { 'dry-run': '1' }, /not a boolean/],
  ['insecure-registries', { 'insecure-registries': 'bad host' }, /is not host\[:port\]/],
  ['insecure-registries', { 'insecure-registries': 'registry.test:port' }, /is not host\[:port\]/],
  ['insecure-registries', { 'insecure-registries': 'http://registry.test/v2/' }, /is not host\[:port\]/],
];

// Started once, outside beforeAll: concurrent tests may start before hooks run.
const registry: Promise<RunningRegistry> = startRegistry({ auth: 'none' });
afterAll(async () => {
  await (await registry).stop();
});

describe('malformed inputs, end to end', () => {
  it('has a table of at least 25, covering every input that can be malformed', () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
    expect(new Set(cases.map(([input]) => input))).toEqual(
      new Set([
        'sources',
        'tags',
        'attestations',
        'platforms',
        'annotations',
        'media-type',
        'dry-run',
        'append',
        'insecure-registries',
      ]),
    );
  });

  // The control: the same setup with valid inputs does reach both counters, so "zero" means
  // something. One run per counter: in one run with both, the first failure (the other host's)
  // may end the run before the second host is reached.
  it.concurrent('valid inputs do reach the registry and the proxy', async () => {
    const reg = await registry;
    const proxy = await startFaultProxy(reg.host);
    const forward = await startConnectProxy(() => reg.host);
    const env = { HTTPS_PROXY: forward.url, HTTP_PROXY: forward.url, NO_PROXY: '', MERGE_ACTION_RETRY_ATTEMPTS: '1' };
    try {
      // A source missing on the registry behind the fault proxy: the run ends on its 404.
      const direct = await runAction({ sources: `${proxy.host}/bad/amd64:1`, tags: `${proxy.host}/bad/app:1` }, env);
      expect(direct.exitCode).toBe(1);
      expect(proxy.requests.length).toBeGreaterThan(0);
      // A registry only the forward proxy reaches: the run ends once it is reached through it.
      const proxied = await runAction({ sources: 'registry.test/bad/arm64:1', tags: 'registry.test/bad/app:1' }, env);
      expect(proxied.exitCode).toBe(1);
      expect(forward.count()).toBeGreaterThan(0);
    } finally {
      await proxy.close();
      await forward.close();
    }
  });

  it.concurrent.each(cases)('%s: %j', async (input, values, message) => {
    const reg = await registry;
    let proxy: FaultProxy | undefined;
    let forward: ConnectProxy | undefined;
    try {
      proxy = await startFaultProxy(reg.host);
      forward = await startConnectProxy(() => reg.host);
      const host = proxy.host;
      const fill = (v: string) => v.split(P).join(host);
      // Valid sources and tags on the proxy and on a name only the forward proxy could reach.
      const inputs: Record<string, string> = {
        sources: `${host}/bad/amd64:1\n${host}/bad/arm64:1`,
        tags: `${host}/bad/app:1, registry.test/bad/app:1`,
        ...Object.fromEntries(Object.entries(values).map(([k, v]) => [k, fill(v)])),
      };
      const run = await runAction(inputs, { HTTPS_PROXY: forward.url, HTTP_PROXY: forward.url, NO_PROXY: '' });

      expect(run.exitCode).toBe(1);
      expect(run.errors).toHaveLength(1);
      expect(run.errors[0]).toMatch(new RegExp(`^input "${input}": `));
      expect(run.errors[0]).toMatch(message);
      expect(run.outputs).toEqual({});
      expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
      // Not one request, to the registry or anywhere else.
      expect(proxy.requests).toEqual([]);
      expect(forward.count()).toBe(0);
    } finally {
      await proxy?.close();
      await forward?.close();
    }
  });
});
