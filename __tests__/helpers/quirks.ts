/**
 * Registry quirks, emulated in front of a REAL Distribution registry. None of these
 * registries is reachable from the tests, so each gets a layer that makes the real registry
 * answer as that one does: fault-proxy rules for what the registry answers, token-server grant
 * hooks for what its token service grants. The layers only change answers; storage, digests and
 * auth checks stay Distribution's own.
 *
 * Every quirk counts the requests it looked at (`inspected`) and those it answered differently
 * from Distribution (`bit`), so a test can show the quirk was exercised, not just installed.
 * Quirks of one layer match disjoint requests: the proxy lets only the first matching rule act.
 */
import { api, type Answer, type FaultContext, type FaultProxy, faults, type ProxyRequest, type RequestMatch } from './faultProxy';
import { MANIFEST_ACCEPT, MediaTypes, sha256Digest } from './fixtures';
import type { GrantContext, Scope } from './tokenServer';

export interface Quirk {
  readonly name: string;
  /** Requests the quirk looked at. */
  inspected: number;
  /** Requests it answered differently from the registry behind the proxy. */
  bit: number;
}

/** What a quirk's handler did with a request: answered it its own way, passed it on, or left it alone (not its concern). */
type Outcome = 'bit' | 'passed' | 'ignored';

function quirk(name: string): Quirk {
  return { name, inspected: 0, bit: 0 };
}

/** Adds one rule for `match`; `handle` answers the request and says whether it bit. */
function install(proxy: FaultProxy, q: Quirk, match: RequestMatch, handle: (ctx: FaultContext) => Promise<Outcome>): Quirk {
  proxy.add({
    ...match,
    name: q.name,
    fault: async (ctx) => {
      const outcome = await handle(ctx);
      if (outcome !== 'ignored') q.inspected++;
      if (outcome === 'bit') q.bit++;
    },
  });
  return q;
}

/** Forwards the request unchanged and relays the answer. */
async function relay(ctx: FaultContext, answer?: Answer): Promise<Outcome> {
  ctx.reply(answer ?? (await ctx.forward()));
  return 'passed';
}

/** Forwards a request that is not this quirk's concern. */
async function ignore(ctx: FaultContext): Promise<Outcome> {
  await relay(ctx);
  return 'ignored';
}

/** Replies with a distribution-style error (`{"errors":[{code,message}]}`). */
function refuse(ctx: FaultContext, status: number, code: string, message: string, headers?: Record<string, string>): Outcome {
  void faults.registryError(status, code, message, headers)(ctx);
  return 'bit';
}

/** `/v2/<repo>/manifests/<ref>` → repository and reference. */
function manifestTarget(req: ProxyRequest): { repository: string; ref: string } {
  const m = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(req.path);
  if (!m) throw new Error(`not a manifest path: ${req.path}`);
  return { repository: m[1], ref: decodeURIComponent(m[2]) };
}

const isDigestRef = (ref: string) => /^sha(256|512):[a-f0-9]+$/.test(ref);
const contentType = (req: ProxyRequest) =>
  String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim();

function parseJson(body: Buffer): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(body.toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The `access` claim of the Bearer token a request carried (the tests' token server issues JWTs). */
export function tokenAccess(req: ProxyRequest): Scope[] | undefined {
  const m = /^Bearer\s+([^.]+)\.([^.]+)\./.exec(String(req.headers.authorization ?? ''));
  if (!m) return undefined;
  const claims = JSON.parse(Buffer.from(m[2], 'base64url').toString('utf8')) as { access?: Scope[] };
  return claims.access ?? [];
}

function grants(access: readonly Scope[], repository: string, actions: readonly string[]): boolean {
  const held = new Set(access.filter((s) => s.type === 'repository' && s.name === repository).flatMap((s) => s.actions));
  return actions.every((a) => held.has(a));
}

// ---------------------------------------------------------------------------
// Docker Hub

export interface DockerHubOptions {
  /** Manifest GETs allowed per window; past it, 429 with Retry-After until the window ends. */
  readonly pullBudget: number;
  readonly windowSeconds: number;
}

/**
 * Docker Hub's count of pulls: every manifest GET it serves (answered 200) counts, per
 * repository; HEADs, blobs, challenges (401) and refusals (404, 429) do not.
 */
export interface HubPulls {
  /** Every counted GET, in order: the repository, the reference asked for, the digest served. */
  readonly served: Array<{ readonly repository: string; readonly ref: string; readonly digest: string }>;
  readonly total: () => number;
  /** Counted GETs per repository. */
  readonly byRepository: () => Record<string, number>;
  /** Counted GETs per manifest served (`repository@digest`): a manifest read twice shows 2. */
  readonly byManifest: () => Record<string, number>;
}

function hubPullLedger(): HubPulls & { record(req: ProxyRequest, answer: Answer): void } {
  const served: HubPulls['served'] = [];
  const tally = (key: (p: HubPulls['served'][number]) => string) => () => {
    const counts: Record<string, number> = {};
    for (const p of served) counts[key(p)] = (counts[key(p)] ?? 0) + 1;
    return counts;
  };
  return {
    served,
    total: () => served.length,
    byRepository: tally((p) => p.repository),
    byManifest: tally((p) => `${p.repository}@${p.digest}`),
    record(req, answer) {
      if (answer.status !== 200) return;
      const { repository, ref } = manifestTarget(req);
      const digest = answer.headers['docker-content-digest'];
      served.push({ repository, ref, digest: typeof digest === 'string' ? digest : sha256Digest(answer.body) });
    },
  };
}

/** Counts pulls as Docker Hub does (`HubPulls`), changing no answer; for a proxy without `dockerHub`'s rate limit. */
export function dockerHubPulls(proxy: FaultProxy): HubPulls {
  const ledger = hubPullLedger();
  proxy.add({
    method: 'GET',
    path: api.manifest(),
    name: 'docker hub: pulls counted',
    fault: async (ctx) => {
      const answer = await ctx.forward();
      ledger.record(ctx.request, answer);
      ctx.reply(answer);
    },
  });
  return ledger;
}

export interface DockerHubQuirks {
  /** Manifest GETs count as pulls (HEADs do not): 429 + Retry-After past the budget. */
  readonly rateLimit: Quirk;
  /** The pulls served, counted as Hub counts them. */
  readonly pulls: HubPulls;
  /** Mounts, with the scopes the token they carried granted (Distribution refuses one without the source's pull, as Hub does). */
  readonly mounts: Quirk & { readonly seen: Array<{ from: string; sourcePull: boolean; targetPush: boolean; status: number }> };
}

/**
 * Docker Hub: pull rate limits count manifest GETs only, answered `429 TOOMANYREQUESTS` with
 * Hub's message; a mount needs one token carrying target `pull,push` and source `pull` (a token
 * without the source scope gets 401, which Distribution's own token check already answers).
 */
export function dockerHub(proxy: FaultProxy, options: DockerHubOptions): DockerHubQuirks {
  const windowMs = options.windowSeconds * 1000;
  let windowStart = 0;
  let used = 0;
  const pulls = hubPullLedger();
  const rateLimit = install(proxy, quirk('docker hub: pull rate limit'), { method: 'GET', path: api.manifest() }, async (ctx) => {
    const now = Date.now();
    if (now - windowStart >= windowMs) {
      windowStart = now;
      used = 0;
    }
    const limitHeaders = { 'ratelimit-limit': `${options.pullBudget};w=${options.windowSeconds}` };
    if (used >= options.pullBudget) {
      const retryAfter = Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000));
      return refuse(
        ctx,
        429,
        'TOOMANYREQUESTS',
        'You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limit',
        { ...limitHeaders, 'ratelimit-remaining': `0;w=${options.windowSeconds}`, 'retry-after': String(retryAfter) },
      );
    }
    const answer = await ctx.forward();
    // Only a pull that was served counts (an auth challenge does not).
    if (answer.status === 200) used++;
    pulls.record(ctx.request, answer);
    answer.headers = {
      ...answer.headers,
      ...limitHeaders,
      'ratelimit-remaining': `${options.pullBudget - used};w=${options.windowSeconds}`,
    };
    return relay(ctx, answer);
  });

  const mounts = Object.assign(quirk('docker hub: mount scopes'), { seen: [] as DockerHubQuirks['mounts']['seen'] });
  install(proxy, mounts, { method: 'POST', path: api.mount() }, async (ctx) => {
    const answer = await ctx.forward();
    const access = tokenAccess(ctx.request);
    const target = /^\/v2\/(.+)\/blobs\/uploads\/$/.exec(ctx.request.path)?.[1] ?? '';
    const from = ctx.request.query.get('from') ?? '';
    if (access) {
      mounts.seen.push({
        from,
        sourcePull: grants(access, from, ['pull']),
        targetPush: grants(access, target, ['pull', 'push']),
        status: answer.status,
      });
    }
    return relay(ctx, answer);
  });
  return { rateLimit, pulls, mounts };
}

/**
 * A token service that leaves the other repositories' `pull` out of any token that also
 * carries `push`: the token a mount is sent with then lacks the source scope (the failure
 * crane and oci-client users met on Hub), while reads still get single-scope pull tokens.
 */
export function withholdSourceFromPushTokens(requested: Scope[], ctx: GrantContext): Scope[] {
  if (ctx.user === undefined) return [];
  const pushing = requested.some((s) => s.actions.includes('push'));
  return pushing ? requested.filter((s) => s.actions.includes('push')) : requested;
}

// ---------------------------------------------------------------------------
// Amazon ECR

export interface EcrQuirks {
  /** Mounts answered 202 with an upload session (mounting off); the sessions' paths, in order. */
  readonly mountSessions: Quirk & { readonly sessions: string[] };
  /** OCI manifests and indexes without a top-level `mediaType` refused. */
  readonly mediaTypeRequired: Quirk;
  /** A PUT to a tag that exists is refused, whatever it points at (immutable tags). */
  readonly immutableTags: Quirk;
}

/**
 * Amazon ECR (Basic auth: start the registry with htpasswd): mounts open an upload session
 * (202) unless the account enabled blob mounting; repositories with immutable tags refuse any
 * PUT to an existing tag (`400 TAG_INVALID`); OCI manifests without `mediaType` are refused
 * with ECR's unhelpful `405 UNSUPPORTED: Invalid JSON syntax` (containers/image#584).
 */
export function ecr(proxy: FaultProxy): EcrQuirks {
  const mountSessions = Object.assign(quirk('ecr: mount opens a session'), { sessions: [] as string[] });
  install(proxy, mountSessions, { method: 'POST', path: api.mount() }, async (ctx) => {
    // The same POST without `mount`/`from`: Distribution opens a plain upload session.
    const answer = await ctx.forward({ url: ctx.request.path });
    const location = answer.headers.location;
    if (answer.status === 202 && typeof location === 'string')
      mountSessions.sessions.push(new URL(location, 'http://x').pathname);
    ctx.reply(answer);
    return 'bit';
  });

  const mediaTypeRequired = quirk('ecr: OCI mediaType required');
  const immutableTags = quirk('ecr: immutable tags');
  proxy.add({
    method: 'PUT',
    path: api.manifest(),
    name: 'ecr: manifest PUT',
    fault: async (ctx) => {
      const type = contentType(ctx.request);
      if (type === MediaTypes.ociManifest || type === MediaTypes.ociIndex) {
        mediaTypeRequired.inspected++;
        if (typeof parseJson(await ctx.body())?.mediaType !== 'string') {
          mediaTypeRequired.bit++;
          refuse(ctx, 405, 'UNSUPPORTED', 'Invalid JSON syntax');
          return;
        }
      }
      const { repository, ref } = manifestTarget(ctx.request);
      if (!isDigestRef(ref)) {
        immutableTags.inspected++;
        // Ask the registry whether the tag exists (all four types: Distribution hides an OCI index tag otherwise).
        const head = await ctx.forward({
          method: 'HEAD',
          body: Buffer.alloc(0),
          headers: { accept: MANIFEST_ACCEPT.join(', '), 'content-type': undefined },
        });
        if (head.status === 200) {
          immutableTags.bit++;
          refuse(
            ctx,
            400,
            'TAG_INVALID',
            `The image tag '${ref}' already exists in the '${repository}' repository and cannot be overwritten because the tag is immutable.`,
          );
          return;
        }
      }
      await relay(ctx);
    },
  });
  return { mountSessions, mediaTypeRequired, immutableTags };
}

// ---------------------------------------------------------------------------
// Quay

export interface QuayQuirks {
  /** Docker manifest lists whose entries lack `platform` (os and architecture) refused. */
  readonly listPlatforms: Quirk;
  /** A mount without `from` refused. */
  readonly mountFrom: Quirk;
  /** Cancelling an upload session (DELETE) refused. */
  readonly cancelUpload: Quirk;
}

/**
 * Quay, as the design table describes it: its schema requires `platform` on every entry of a
 * Docker manifest list; a mount without `from` is refused; cancelling an upload is refused.
 * (Current Quay sources fall back to a plain upload for a mount without `from` and do accept
 * DELETE; the stricter answers are emulated, the action must cope with either.)
 */
export function quay(proxy: FaultProxy): QuayQuirks {
  const listPlatforms = install(
    proxy,
    quirk('quay: list entries need platform'),
    { method: 'PUT', path: api.manifest() },
    async (ctx) => {
      if (contentType(ctx.request) !== MediaTypes.dockerList) return ignore(ctx);
      const list = parseJson(await ctx.body());
      const entries = Array.isArray(list?.manifests) ? (list.manifests as Array<Record<string, unknown>>) : [];
      const complete = entries.every((e) => {
        const p = e.platform as Record<string, unknown> | undefined;
        return typeof p?.os === 'string' && typeof p.architecture === 'string';
      });
      return complete
        ? relay(ctx)
        : refuse(ctx, 400, 'MANIFEST_INVALID', 'manifest invalid: every manifest list entry needs a platform');
    },
  );
  const mountFrom = install(proxy, quirk('quay: mount needs from'), { method: 'POST', path: api.mount() }, async (ctx) =>
    ctx.request.query.get('from') ? relay(ctx) : refuse(ctx, 400, 'INVALID_REQUEST', 'Missing `from` repository argument'),
  );
  const cancelUpload = install(proxy, quirk('quay: no upload cancel'), { method: 'DELETE', path: api.session() }, async (ctx) =>
    refuse(ctx, 405, 'UNSUPPORTED', 'The operation is unsupported.'),
  );
  return { listPlatforms, mountFrom, cancelUpload };
}

// ---------------------------------------------------------------------------
// Harbor

/**
 * Harbor (goharbor/harbor#17097): a mount whose `from` lies in a project Harbor does not find
 * is answered `401 UNAUTHORIZED: project … not found` (with a Bearer challenge) instead of a 202
 * upload session. `knownProjects` are the first path segments Harbor finds; mounts from others
 * get the 401. The challenge is Distribution's own (the request is sent on without its token).
 */
export function harbor(proxy: FaultProxy, knownProjects: readonly string[]): { unknownProjectMount: Quirk } {
  const unknownProjectMount = install(
    proxy,
    quirk('harbor: 401 for a mount from an unknown project'),
    { method: 'POST', path: api.mount() },
    async (ctx) => {
      const project = (ctx.request.query.get('from') ?? '').split('/')[0];
      if (knownProjects.includes(project)) return relay(ctx);
      const challenge = await ctx.forward({ headers: { authorization: undefined } });
      const message = `project ${project} not found: project ${project} not found`;
      ctx.reply({
        status: 401,
        headers: { ...challenge.headers, 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message }] })),
      });
      return 'bit';
    },
  );
  return { unknownProjectMount };
}

// ---------------------------------------------------------------------------
// GitLab

/** Older GitLab token services: of several `scope` parameters only the last is honoured. */
export function lastScopeOnly(requested: Scope[], ctx: GrantContext): Scope[] {
  return ctx.user === undefined ? [] : requested.slice(-1);
}

// ---------------------------------------------------------------------------
// Artifactory

/** Artifactory: a HEAD of a manifest or blob that is not there may answer 403, not 404. */
export function artifactory(proxy: FaultProxy): { forbiddenHeads: Quirk } {
  const forbiddenHeads = install(
    proxy,
    quirk('artifactory: 403 for HEAD of missing content'),
    { method: 'HEAD', path: new RegExp(`${api.manifest().source}|${api.blob().source}`) },
    async (ctx) => {
      const answer = await ctx.forward();
      if (answer.status !== 404) return relay(ctx, answer);
      ctx.reply({ ...answer, status: 403, headers: { ...answer.headers, 'content-length': '0' } });
      return 'bit';
    },
  );
  return { forbiddenHeads };
}

// ---------------------------------------------------------------------------
// GHCR

/**
 * GHCR: no referrers API (`/v2/<repo>/referrers/<digest>` answers 404). Attestations kept by
 * the action are reachable through the index instead. (The package description is read from
 * the index's `org.opencontainers.image.description` annotation: nothing to emulate.)
 */
export function ghcr(proxy: FaultProxy): { noReferrers: Quirk } {
  const noReferrers = install(
    proxy,
    quirk('ghcr: no referrers API'),
    { method: ['GET', 'HEAD'], path: /^\/v2\/.+\/referrers\/[^/]+$/ },
    async (ctx) => refuse(ctx, 404, 'NOT_FOUND', '404 page not found'),
  );
  return { noReferrers };
}

// ---------------------------------------------------------------------------
// OCI 1.1 referrers API

export interface ReferrersApiOptions {
  /** Entries per page; more come behind `Link: <…>; rel="next"`. */
  readonly pageSize?: number;
}

export interface ReferrersApiQuirks {
  /** Manifest PUTs carrying a `subject`: registered, answered with `OCI-Subject`. */
  readonly registered: Quirk;
  /** `GET /v2/<name>/referrers/<digest>` answered (Distribution 2.8 has no such route); one per page. */
  readonly listed: Quirk;
}

/**
 * A registry with the OCI 1.1 referrers API (Distribution 3, Harbor, Zot, ECR …) in front of
 * Distribution 2.8, which has none: manifests PUT with a `subject` are indexed as they pass (and
 * answered with `OCI-Subject`), `GET /v2/<name>/referrers/<digest>` answers an OCI index of them,
 * paginated with `Link` when `pageSize` is set. Only what is pushed through the proxy is known.
 */
export function referrersApi(proxy: FaultProxy, options: ReferrersApiOptions = {}): ReferrersApiQuirks {
  const bySubject = new Map<string, Array<Record<string, unknown>>>();
  const registered = install(
    proxy,
    quirk('referrers API: subject registered'),
    { method: 'PUT', path: api.manifest() },
    async (ctx) => {
      const body = await ctx.body();
      const manifest = parseJson(body);
      const subject = (manifest?.subject as { digest?: unknown } | undefined)?.digest;
      if (typeof subject !== 'string') return ignore(ctx);
      const answer = await ctx.forward();
      if (answer.status !== 201) return relay(ctx, answer);
      const { repository } = manifestTarget(ctx.request);
      const key = `${repository}@${subject}`;
      const config = manifest?.config as { mediaType?: string } | undefined;
      const entry = {
        mediaType: typeof manifest?.mediaType === 'string' ? manifest.mediaType : contentType(ctx.request),
        digest: sha256Digest(body),
        size: body.length,
        artifactType: typeof manifest?.artifactType === 'string' ? manifest.artifactType : config?.mediaType,
        ...(manifest?.annotations ? { annotations: manifest.annotations } : {}),
      };
      const list = bySubject.get(key) ?? [];
      if (!list.some((e) => e.digest === entry.digest)) list.push(entry);
      bySubject.set(key, list);
      ctx.reply({ ...answer, headers: { ...answer.headers, 'oci-subject': subject } });
      return 'bit';
    },
  );
  const listed = install(
    proxy,
    quirk('referrers API: listed'),
    { method: 'GET', path: /^\/v2\/.+\/referrers\/[^/?]+(?:\?|$)/ },
    async (ctx) => {
      const m = /^\/v2\/(.+)\/referrers\/([^/]+)$/.exec(ctx.request.path)!;
      const all = bySubject.get(`${m[1]}@${decodeURIComponent(m[2])}`) ?? [];
      const start = Number(ctx.request.query.get('last') ?? 0);
      const size = options.pageSize ?? (all.length || 1);
      const page = all.slice(start, start + size);
      const headers: Record<string, string> = { 'content-type': MediaTypes.ociIndex };
      if (start + size < all.length) headers.link = `<${ctx.request.path}?last=${start + size}>; rel="next"`;
      const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests: page }));
      ctx.reply({ status: 200, headers, body });
      return 'bit';
    },
  );
  return { registered, listed };
}

// ---------------------------------------------------------------------------
// Tag listing (`GET /v2/<name>/tags/list`): what each registry does, from its code, issues and
// docs (Distribution, Quay, Harbor and GitLab sources; ECR, GHCR, Hub and Artifactory reports).

export interface TagListing {
  /** Page size when the client sends no `n`; undefined: every tag at once. */
  readonly defaultPage?: number;
  /** The largest `n` honoured; above it the registry clamps or refuses. */
  readonly maxPage: number;
  readonly overMax: 'clamp' | 'refuse';
  /** How the next page is named: `last=<tag>` (the spec's), or an opaque token (ECR, old Quay). */
  readonly cursor: 'last' | 'opaque';
  /**
   * `Link` as a path on the same host, as an absolute URL, or as a path without the repository
   * key, the first segment of the name (Artifactory, RTFACT-18971).
   */
  readonly link: 'relative' | 'absolute' | 'no-repository-key';
  /** What a repository without tags answers in `tags`. */
  readonly empty: 'null' | 'list';
  /** The order tags come in: sorted, or not (ECR and GHCR list them in no promised order). */
  readonly order: 'sorted' | 'unsorted';
  /** A repository the registry does not find: Distribution's 404, Harbor's own 404 code, or 401 (Quay). */
  readonly unknownRepository: 'NAME_UNKNOWN' | 'NOT_FOUND' | 'UNAUTHORIZED';
}

/**
 * Each registry's listing, with page sizes scaled down (real defaults are 100) so that a
 * handful of tags spans several pages; the forms are the registries' own.
 */
/** Distribution 3's listing (the spec's): what each preset below differs from. */
const SPEC_LISTING = {
  maxPage: 10_000,
  overMax: 'clamp',
  cursor: 'last',
  link: 'relative',
  empty: 'list',
  order: 'sorted',
  unknownRepository: 'NAME_UNKNOWN',
} as const satisfies TagListing;

export const TAG_LISTINGS: Record<string, TagListing> = {
  // Every tag at once, no Link (seen in 2020 and 2026); anonymous listing of a private repository: 401.
  'docker hub': { ...SPEC_LISTING, unknownRepository: 'UNAUTHORIZED' },
  // 100 and a Link without `n`; order disputed (creation order reported).
  ghcr: { ...SPEC_LISTING, defaultPage: 3, order: 'unsorted', unknownRepository: 'UNAUTHORIZED' },
  // 100 by default, n over 1000 refused (405 UNSUPPORTED), absolute links with an opaque `last`, unsorted.
  ecr: {
    ...SPEC_LISTING,
    defaultPage: 3,
    maxPage: 1000,
    overMax: 'refuse',
    cursor: 'opaque',
    link: 'absolute',
    order: 'unsorted',
  },
  // Quay 3.12+: 100 a page, n clamped, absolute links with `last`; 401 for a repository it does not find.
  quay: { ...SPEC_LISTING, defaultPage: 2, maxPage: 100, link: 'absolute', unknownRepository: 'UNAUTHORIZED' },
  // Every tag without `n`; 404 with Harbor's own NOT_FOUND code.
  harbor: { ...SPEC_LISTING, unknownRepository: 'NOT_FOUND' },
  // Database mode: 100 a page, relative links, `"tags": null` when empty.
  gitlab: { ...SPEC_LISTING, defaultPage: 2, empty: 'null' },
  // Links that drop the repository key from the path.
  artifactory: { ...SPEC_LISTING, defaultPage: 2, link: 'no-repository-key' },
};

/** Lists in no promised order: a fixed shuffle (reversed halves), so runs are repeatable. */
function unsorted(tags: string[]): string[] {
  const half = Math.ceil(tags.length / 2);
  return [...tags.slice(half).reverse(), ...tags.slice(0, half)];
}

/**
 * Serves the tag list the way a hosted registry does, in front of Distribution 2.8 (which
 * ignores `n` and answers every tag at once): the whole list is read from the registry and
 * served in pages with `Link: <…>; rel="next"` to the next. `inspected` counts the answers
 * past authentication, `bit` the pages served with a next link (or a repository reported
 * missing the registry's way); `requested` the `n` of each request.
 */
export function tagListing(proxy: FaultProxy, name: string, listing: TagListing): Quirk & { requested: Array<string | null> } {
  const q = Object.assign(quirk(`${name}: tag list`), { requested: [] as Array<string | null> });
  proxy.add({
    method: 'GET',
    path: /^\/v2\/.+\/tags\/list(?:\?|$)/,
    name: q.name,
    fault: async (ctx) => {
      const query = ctx.request.query;
      q.requested.push(query.get('n'));
      const all = await ctx.forward({ url: ctx.request.path });
      // An auth challenge is the registry's own answer: relayed, not counted.
      if (all.status === 401) return ctx.reply(all);
      q.inspected++;
      if (all.status === 404 && listing.unknownRepository !== 'NAME_UNKNOWN') {
        q.bit++;
        if (listing.unknownRepository === 'NOT_FOUND') refuse(ctx, 404, 'NOT_FOUND', `repository ${ctx.request.path} not found`);
        else refuse(ctx, 401, 'UNAUTHORIZED', 'access to the requested resource is not authorized');
        return;
      }
      if (all.status !== 200) return ctx.reply(all);
      const body = parseJson(all.body) ?? {};
      const sorted = ((body.tags as string[] | null) ?? []).slice().sort();
      const tags = listing.order === 'sorted' ? sorted : unsorted(sorted);
      let n = query.has('n') ? Number(query.get('n')) : (listing.defaultPage ?? tags.length);
      if (n > listing.maxPage) {
        if (listing.overMax === 'refuse') {
          refuse(ctx, 405, 'UNSUPPORTED', `Invalid parameter at 'maxResults': must be less than or equal to ${listing.maxPage}`);
          return;
        }
        n = listing.maxPage;
      }
      const cursor = query.get('last');
      const after =
        cursor === null
          ? 0
          : listing.cursor === 'last'
            ? tags.indexOf(cursor) + 1
            : Number(Buffer.from(cursor, 'base64url').toString());
      const page = tags.slice(after, after + Math.max(n, 1));
      const headers: Record<string, string | string[]> = { 'content-type': 'application/json' };
      if (after + page.length < tags.length) {
        const next = new URLSearchParams({ n: String(n) });
        next.set(
          'last',
          listing.cursor === 'last' ? page[page.length - 1] : Buffer.from(String(after + page.length)).toString('base64url'),
        );
        const path = `${ctx.request.path}?${next}`;
        const link = {
          relative: path,
          absolute: `http://${proxy.host}${path}`,
          'no-repository-key': path.replace(/^\/v2\/[^/]+\//, '/v2/'),
        }[listing.link];
        headers.link = `<${link}>; rel="next"`;
        q.bit++;
      }
      const tagsJson = page.length === 0 && listing.empty === 'null' ? null : page;
      ctx.reply({ status: 200, headers, body: Buffer.from(JSON.stringify({ name: body.name, tags: tagsJson })) });
    },
  });
  return q;
}
