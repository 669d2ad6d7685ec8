import type { HttpRequest, HttpResponse } from '../src/transport/http';
import { DOCKER_HUB_HOSTS, isHubCounted, withHubCount } from '../src/transport/hubCount';
import { hubHostsFromEnv, TRANSPORT_ENV } from '../src/registry/registries';

const hub = new Set(DOCKER_HUB_HOSTS);
const req = (method: HttpRequest['method'], url: string): HttpRequest => ({ method, url: new URL(url) });
const D = `sha256:${'a'.repeat(64)}`;

describe('isHubCounted', () => {
  it('counts a manifest GET Docker Hub served, by tag or digest, on each of its hosts', () => {
    for (const host of DOCKER_HUB_HOSTS) {
      expect(isHubCounted(req('GET', `https://${host}/v2/library/alpine/manifests/3`), 200, hub)).toBe(true);
      expect(isHubCounted(req('GET', `https://${host}/v2/acme/app/manifests/${D}`), 200, hub)).toBe(true);
    }
  });

  it('does not count HEADs, blobs, tag lists, referrers, answers that served nothing, or other registries', () => {
    const base = 'https://registry-1.docker.io/v2/acme/app';
    expect(isHubCounted(req('HEAD', `${base}/manifests/1`), 200, hub)).toBe(false);
    expect(isHubCounted(req('PUT', `${base}/manifests/1`), 201, hub)).toBe(false);
    expect(isHubCounted(req('GET', `${base}/blobs/${D}`), 200, hub)).toBe(false);
    expect(isHubCounted(req('GET', `${base}/tags/list`), 200, hub)).toBe(false);
    expect(isHubCounted(req('GET', `${base}/referrers/${D}`), 200, hub)).toBe(false);
    for (const status of [401, 404, 429, 503]) expect(isHubCounted(req('GET', `${base}/manifests/1`), status, hub)).toBe(false);
    expect(isHubCounted(req('GET', 'https://ghcr.io/v2/acme/app/manifests/1'), 200, hub)).toBe(false);
  });
});

describe('withHubCount', () => {
  it('counts each served attempt as it comes back from the wire', async () => {
    const statuses = [429, 200, 200];
    const next = async (): Promise<HttpResponse> => ({ status: statuses.shift() as number }) as HttpResponse;
    const stats = { hubCountedRequests: 0 };
    const send = withHubCount(next, hub, stats);
    const get = req('GET', 'https://registry-1.docker.io/v2/acme/app/manifests/1');
    await send(get); // 429: not served
    await send(get); // the retry, served
    await send(req('HEAD', 'https://registry-1.docker.io/v2/acme/app/manifests/1'));
    expect(stats.hubCountedRequests).toBe(1);
  });
});

describe('hubHostsFromEnv (test-only knob)', () => {
  it("is Docker Hub's hosts, and the hosts the knob lists", () => {
    expect([...hubHostsFromEnv({})]).toEqual(DOCKER_HUB_HOSTS);
    expect([...hubHostsFromEnv({ [TRANSPORT_ENV.hubHosts]: ' 127.0.0.1:5000, Localhost:5001,' })]).toEqual([
      ...DOCKER_HUB_HOSTS,
      '127.0.0.1:5000',
      'localhost:5001',
    ]);
  });
});
