import type { HttpRequest, Send } from './http';

/**
 * Docker Hub counts pulls against a rate limit: a manifest GET its registry serves is a pull, a
 * HEAD is not, nor a blob (Hub may charge an index and the manifest it leads to as one pull, so
 * counting every GET gives what a run can cost at most). These are the hosts its registry answers on.
 */
export const DOCKER_HUB_HOSTS: readonly string[] = ['registry-1.docker.io', 'docker.io', 'index.docker.io'];

const MANIFEST_PATH = /^\/v2\/.+\/manifests\/[^/]+$/;

/** What Hub's pull limit counts: a manifest GET it served (a challenge, a 404 or a 429 serves nothing). */
export function isHubCounted(req: Pick<HttpRequest, 'method' | 'url'>, status: number, hubHosts: ReadonlySet<string>): boolean {
  return req.method === 'GET' && status === 200 && hubHosts.has(req.url.host) && MANIFEST_PATH.test(req.url.pathname);
}

/**
 * Counts the requests Hub counts, as each attempt reaches the wire (a retried GET that was
 * served twice counts twice, as Hub counts it).
 */
export function withHubCount(next: Send, hubHosts: ReadonlySet<string>, stats: { hubCountedRequests: number }): Send {
  return async (req) => {
    const res = await next(req);
    if (isHubCounted(req, res.status, hubHosts)) stats.hubCountedRequests++;
    return res;
  };
}
