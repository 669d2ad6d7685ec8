import { Readable } from 'node:stream';
import type { Digest } from '../oci/digest';
import type { Descriptor, ImageManifest } from '../oci/manifest';
import { requiredBlobs } from '../oci/manifest';
import type { Reference } from '../oci/reference';
import { type RegistryClient, RegistryError } from '../registry/client';
import { RegistryLimits } from '../transport/limits';
import type { Child, ClientFor } from '../resolve/resolve';
import { Once } from '../util/concurrency';
import type { Log } from '../util/log';

/**
 * What happened to one blob or manifest in one target repository; in a dry run, what the real
 * run would do (`would-…`), decided with the same reads the real run makes.
 */
export type Outcome = 'present' | 'mounted' | 'copied' | 'pushed' | 'would-mount' | 'would-copy' | 'would-push';

export interface RepositoryTransfer {
  readonly repository: string;
  readonly blobs: Record<Outcome, number>;
  readonly manifests: Record<Outcome, number>;
  bytesCopied: number;
}

/**
 * A repository's report while `run` fills it. Blobs are counted from what is settled about each,
 * not in the order answers arrive, so the counts do not depend on timing: a blob a child found
 * in the target needs is present (the registry only stored the child because its blobs were
 * there), unless a child that is not there needs it too, whose blob work then says what happened.
 */
interface RepositoryState extends RepositoryTransfer {
  readonly children: number;
  /** Blobs of children found in the target (or read from it). */
  readonly presentWithChild: Map<string, Descriptor>;
  /** Blobs of children found missing: these are counted by what making them present did. */
  readonly neededByMissing: Set<string>;
  /** What making each blob present did, as each settles. */
  readonly settled: Map<string, { blob: Descriptor; outcome: Outcome }>;
}

function counts(): Record<Outcome, number> {
  return { present: 0, mounted: 0, copied: 0, pushed: 0, 'would-mount': 0, 'would-copy': 0, 'would-push': 0 };
}

/** The blobs a set of manifests needs in a repository, each once. */
function uniqueBlobs(manifests: readonly ImageManifest[]): Descriptor[] {
  const byDigest = new Map<string, Descriptor>();
  for (const m of manifests) for (const b of requiredBlobs(m)) byDigest.set(b.digest, b);
  return [...byDigest.values()];
}

/** A report with nothing counted yet. */
export function emptyTransfer(repository: string): RepositoryTransfer {
  return { repository, blobs: counts(), manifests: counts(), bytesCopied: 0 };
}

/**
 * The report of a repository whose tags already hold the index: nothing was looked at or
 * copied, and every child and the blobs they need are there (the registry stored the index).
 */
export function alreadyPresent(target: Reference, children: readonly Pick<Child, 'manifest'>[]): RepositoryTransfer {
  return {
    repository: target.name,
    blobs: { ...counts(), present: uniqueBlobs(children.map((c) => c.manifest)).length },
    manifests: { ...counts(), present: children.length },
    bytesCopied: 0,
  };
}

/** A verified image manifest of a source, as resolve reports it before the plan. */
export interface EarlyImage {
  readonly source: Reference;
  readonly digest: Digest;
  readonly manifest: ImageManifest;
}

/** Where one target repository stands while its children and blobs are made present. */
export interface TransferProgress {
  readonly repository: string;
  /** Child manifests the index needs in this repository. */
  readonly children: number;
  readonly manifests: Readonly<Record<Outcome, number>>;
  readonly blobs: Readonly<Record<Outcome, number>>;
  /** Bytes streamed into this repository so far, blobs still in flight included. */
  readonly bytesCopied: number;
}

export interface TransferOptions {
  readonly dryRun: boolean;
  /** Pushed manifests (info) and the progress of each target repository. */
  readonly reporter: Pick<Log, 'info'> & { progress(update: TransferProgress): void };
  /** Requests in flight per registry (design rule 13), shared with the run's other requests. */
  readonly limits?: RegistryLimits;
}

/**
 * Makes every child manifest and every blob it references present in each target repository
 * (design rules 7–9), before the index is written. Blob work may start early (`prefetch`), as
 * soon as a verified manifest names the blobs; manifests are only written by `run`, after the
 * plan. A child already in the target is skipped whole: the registry only stored it because
 * its blobs were there.
 */
export class Transfer {
  private readonly limits: RegistryLimits;
  private readonly blobs = new Once<Outcome>();
  private readonly probes = new Once<boolean>();
  /** Child manifests found in a target repository (HEAD), by `target@digest`. */
  private readonly present = new Once<boolean>();
  private readonly manifests = new Once<Outcome>();
  /**
   * Target ← source repository pairs whose mounts do not mount: refused (no mount support,
   * Harbor's 401 for a project it does not find, a token without both scopes) or answered 202
   * (mounting off, ECR). Mounts go out at once, without waiting for a first one to settle;
   * once a pair is known here, its blobs not yet asked for are looked for (HEAD) and uploaded.
   */
  private readonly unmountable = new Set<string>();
  /** Blobs a report has counted: `ensureBlobs` does not count again what `run` counted. */
  private readonly counted = new Set<string>();
  /** Per target repository, the blobs streaming into it now and their bytes so far (for progress). */
  private readonly streaming = new Map<string, Map<string, number>>();
  /** The reports `run` is filling, by target repository (images of a batch may fill one repository at once). */
  private readonly reports = new Map<string, Set<RepositoryState>>();

  constructor(
    private readonly clientFor: ClientFor,
    private readonly options: TransferOptions,
  ) {
    this.limits = options.limits ?? new RegistryLimits();
  }

  private limited<T>(registry: string, task: () => Promise<T>): Promise<T> {
    return this.limits.run(registry, task);
  }

  /**
   * Starts making a child's blobs present in every target repository, before the plan is made
   * (design: blob writes may start once the verified manifest naming them is known and its
   * platform is certainly wanted), and asks whether the child itself is there (a read), so
   * neither waits for the plan. Failures surface when `run` awaits the same work.
   */
  prefetch(image: EarlyImage, targets: readonly Reference[]): void {
    if (this.options.dryRun) return;
    for (const target of targets) {
      if (image.source.name === target.name) continue;
      this.manifestPresent(image.digest, target).catch(() => undefined);
      for (const blob of requiredBlobs(image.manifest)) {
        this.blob(blob, image.source, target, undefined).catch(() => undefined);
      }
    }
  }

  /** Runs for every target repository at once; resolves when everything is present. */
  async run(children: readonly Child[], targets: readonly Reference[]): Promise<RepositoryTransfer[]> {
    return Promise.all(
      targets.map(async (target) => {
        const report: RepositoryState = {
          repository: target.name,
          blobs: counts(),
          manifests: counts(),
          bytesCopied: 0,
          children: children.length,
          presentWithChild: new Map(),
          neededByMissing: new Set(),
          settled: new Map(),
        };
        const filling = this.reports.get(target.name) ?? new Set();
        filling.add(report);
        this.reports.set(target.name, filling);
        this.progress(target.name);
        try {
          await Promise.all(children.map((child) => this.child(child, target, report)));
        } finally {
          filling.delete(report);
          if (filling.size === 0) this.reports.delete(target.name);
        }
        countBlobs(report);
        for (const digest of [...report.presentWithChild.keys(), ...report.neededByMissing]) {
          this.counted.add(`${target.name}@${digest}`);
        }
        const { repository, blobs, manifests, bytesCopied } = report;
        return { repository, blobs, manifests, bytesCopied };
      }),
    );
  }

  /**
   * Referrers hook: makes the blobs an attached manifest references present in a
   * target repository, as for a child (mount or stream, digests verified, each blob once).
   */
  async ensureBlobs(manifest: ImageManifest, source: Reference, target: Reference, report: RepositoryTransfer): Promise<void> {
    await Promise.all(requiredBlobs(manifest).map((blob) => this.blob(blob, source, target, report)));
  }

  /** Tells the reporter where a repository `run` is filling stands, blobs still streaming included. */
  private progress(repository: string): void {
    const reports = this.reports.get(repository);
    if (!reports) return;
    let streaming = 0;
    for (const n of this.streaming.get(repository)?.values() ?? []) streaming += n;
    for (const report of reports) {
      countBlobs(report);
      const update: TransferProgress = {
        repository,
        children: report.children,
        manifests: { ...report.manifests },
        blobs: { ...report.blobs },
        bytesCopied: report.bytesCopied + streaming,
      };
      this.options.reporter.progress(update);
    }
  }

  private async child(child: Child, target: Reference, report: RepositoryState): Promise<void> {
    const digest = child.descriptor.digest;
    // Read from the target repository itself: nothing to do.
    if (child.source.name === target.name) {
      report.manifests.present++;
      for (const blob of requiredBlobs(child.manifest)) report.presentWithChild.set(blob.digest, blob);
      this.progress(target.name);
      return;
    }
    // Counted inside the shared task, so a manifest two sources share is counted once.
    await this.manifests.run(`${target.name}@${digest}`, async () => {
      const outcome = await this.pushManifest(child, target, report);
      report.manifests[outcome]++;
      this.progress(target.name);
      return outcome;
    });
  }

  private async pushManifest(child: Child, target: Reference, report: RepositoryState): Promise<Outcome> {
    const digest = child.descriptor.digest;
    const client = await this.clientFor(target.registry);
    // The HEAD of the child goes alongside its blobs (or earlier, from prefetch), not before them.
    const head = this.manifestPresent(digest, target);
    const needed = requiredBlobs(child.manifest);
    const blobs = Promise.all(
      needed.map(async (blob) => {
        const outcome = await this.blob(blob, child.source, target, undefined);
        // Settled: its bytes move from "streaming" to the report at once, so progress never goes back.
        report.settled.set(blob.digest, { blob, outcome });
        this.streaming.get(target.name)?.delete(blob.digest);
        this.progress(target.name);
        return outcome;
      }),
    );
    blobs.catch(() => undefined);
    if (await head) {
      for (const blob of needed) report.presentWithChild.set(blob.digest, blob);
      return 'present';
    }
    for (const blob of needed) report.neededByMissing.add(blob.digest);
    await blobs;
    if (this.options.dryRun) return 'would-push';
    await this.limited(target.registry, () =>
      client.putManifest(target.repository, digest, child.bytes, child.descriptor.mediaType).catch((err: unknown) => {
        throw explainRefusedManifest(err, child);
      }),
    );
    this.options.reporter.info(`pushed ${child.kind} manifest ${digest} to ${target.name}`);
    return 'pushed';
  }

  /**
   * One blob in one target repository, done once per run. Started early by `prefetch` without
   * a report; the report that asks first for a blob already under way counts its outcome.
   */
  private async blob(
    blob: Descriptor,
    source: Reference,
    target: Reference,
    report: RepositoryTransfer | undefined,
  ): Promise<Outcome> {
    const key = `${target.name}@${blob.digest}`;
    const outcome = await this.blobs.run(key, () => this.ensureBlob(blob, source, target));
    if (report && !this.counted.has(key)) {
      this.counted.add(key);
      // Its bytes move from "streaming" to the report's count at once, so progress never goes back.
      this.streaming.get(target.name)?.delete(blob.digest);
      report.blobs[outcome]++;
      if (outcome === 'copied') report.bytesCopied += blob.size;
      this.progress(target.name);
    }
    return outcome;
  }

  /** HEAD of a child manifest in a target repository, asked once per run. */
  private manifestPresent(digest: Digest, target: Reference): Promise<boolean> {
    return this.present.run(`${target.name}@${digest}`, async () => {
      const client = await this.clientFor(target.registry);
      return (await this.limited(target.registry, () => client.headManifest(target.repository, digest))) !== undefined;
    });
  }

  /** HEAD of a blob in a target repository, asked once per run: only before moving bytes (rule 8). */
  private probe(blob: Descriptor, target: Reference): Promise<boolean> {
    return this.probes.run(`${target.name}@${blob.digest}`, () =>
      this.limited(target.registry, async () => (await this.clientFor(target.registry)).hasBlob(target.repository, blob.digest)),
    );
  }

  /**
   * Makes a blob present in the target repository. Same registry: mount it, with no HEAD first
   * (a mount of a blob that is there answers 201 too). Otherwise, or where mounts do not mount:
   * HEAD, then copy (design rules 8, 9).
   */
  private async ensureBlob(blob: Descriptor, source: Reference, target: Reference): Promise<Outcome> {
    if (this.options.dryRun) {
      // The real run mounts without asking first: so the dry run does not ask either.
      if (source.registry === target.registry) return 'would-mount';
      return (await this.probe(blob, target)) ? 'present' : 'would-copy';
    }
    const client = await this.clientFor(target.registry);
    const from = await this.clientFor(source.registry);
    const pair = `${target.name} <- ${source.repository}`;
    let session: URL | undefined;
    if (source.registry === target.registry && !this.unmountable.has(pair)) {
      // Looked at again once the mount has its slot: a refusal may have come back meanwhile.
      const mount = await this.limited(target.registry, async () =>
        this.unmountable.has(pair) ? undefined : client.mountBlob(target.repository, blob.digest, source.repository),
      );
      if (mount?.mounted) return 'mounted';
      if (mount) this.unmountable.add(pair);
      // 202 opened a session: fill it (never counted as mounted). A refused mount: a plain upload.
      session = mount?.uploadUrl;
    }
    if (await this.probe(blob, target)) return 'present';
    await this.limited(target.registry, () => this.copy(from, source, client, target, blob, session));
    return 'copied';
  }

  /**
   * Counts a blob's bytes as they stream, for the progress of long copies. Each attempt
   * streams from the start, so what an earlier attempt sent no longer counts. The reporter
   * hears of its first chunk, then of every `PROGRESS_BYTES` (HTTP/2 delivers 16 KiB at a time:
   * an update per chunk would cost more than the hashing).
   */
  private byteCounter(target: Reference, blob: Descriptor): (n: number) => void {
    let streaming = this.streaming.get(target.name);
    if (!streaming) {
      streaming = new Map();
      this.streaming.set(target.name, streaming);
    }
    const bytes = streaming;
    bytes.set(blob.digest, 0);
    let unreported = PROGRESS_BYTES;
    return (n) => {
      bytes.set(blob.digest, (bytes.get(blob.digest) ?? 0) + n);
      unreported += n;
      if (unreported < PROGRESS_BYTES) return;
      unreported = 0;
      this.progress(target.name);
    };
  }

  /**
   * Streams the blob from source to target: bounded memory, digest verified on the way. The
   * upload session and the source GET are asked for at once (neither needs the other).
   */
  private async copy(
    from: RegistryClient,
    source: Reference,
    to: RegistryClient,
    target: Reference,
    blob: Descriptor,
    session: URL | undefined,
  ): Promise<void> {
    const open = () => from.getBlob(source.repository, blob.digest, blob.size, this.byteCounter(target, blob));
    const first = open();
    first.catch(() => undefined);
    let upload: URL;
    try {
      upload = session ?? (await to.startUpload(target.repository));
    } catch (err) {
      void first.then(
        (stream) => stream.destroy(),
        () => undefined,
      );
      throw err;
    }
    let opened: Promise<Readable> | undefined = first;
    await to.finishUpload(target.repository, upload, blob.digest, blob.size, () => {
      // The first attempt streams what was opened alongside the session; a retry opens anew.
      const body = opened ?? open();
      opened = undefined;
      return body;
    });
  }
}

/** Sets a report's blob counts and copied bytes from what is settled about each blob. */
function countBlobs(report: RepositoryState): void {
  const blobs = counts();
  for (const digest of report.presentWithChild.keys()) if (!report.neededByMissing.has(digest)) blobs.present++;
  for (const digest of report.neededByMissing) {
    const outcome = report.settled.get(digest)?.outcome;
    if (outcome !== undefined) blobs[outcome]++;
  }
  Object.assign(report.blobs, blobs);
  // Every byte copied into the repository, as soon as its blob settles (progress never goes back).
  let bytes = 0;
  for (const { blob, outcome } of report.settled.values()) if (outcome === 'copied') bytes += blob.size;
  report.bytesCopied = bytes;
}

/** Bytes streamed between two progress updates of a blob. */
const PROGRESS_BYTES = 1 << 20;

/**
 * A child manifest without a top-level `mediaType` (valid OCI, written by some older tools) is
 * refused by registries that require it, Amazon ECR with a bare "405 UNSUPPORTED: Invalid JSON
 * syntax". The bytes cannot change without changing the image's digest, so say what can.
 */
export function explainRefusedManifest(err: unknown, child: Child): unknown {
  if (!(err instanceof RegistryError) || err.status < 400 || err.status >= 500 || [401, 404, 408, 429].includes(err.status))
    return err;
  let mediaType: unknown;
  try {
    mediaType = (JSON.parse(child.bytes.toString('utf8')) as { mediaType?: unknown }).mediaType;
  } catch {
    return err;
  }
  if (typeof mediaType === 'string') return err;
  err.message +=
    `; the manifest has no "mediaType" field, which this registry requires (Amazon ECR does): ` +
    `rebuild "${child.source}" with a builder that writes it (BuildKit/buildx, current Buildah and Podman do); ` +
    'the action copies manifests byte for byte, as any change would change their digest';
  return err;
}
