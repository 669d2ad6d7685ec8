import { Readable } from 'node:stream';
import type { Reporter, TransferProgress } from '../flow/reporter';
import type { Descriptor } from '../oci/manifest';
import { requiredBlobs } from '../oci/manifest';
import type { Reference } from '../oci/reference';
import { type MountResult, type RegistryClient, RegistryError } from '../registry/client';
import type { Child, ClientFor } from '../resolve/resolve';
import { createLimiter, Once } from '../util/concurrency';

/** What happened to one blob or manifest in one target repository. */
export type Outcome = 'present' | 'mounted' | 'copied' | 'pushed' | 'would-copy' | 'would-push';

export interface RepositoryTransfer {
  readonly repository: string;
  readonly blobs: Record<Outcome, number>;
  readonly manifests: Record<Outcome, number>;
  bytesCopied: number;
}

/** A repository's report while it is being filled: the bytes of blobs still streaming count too. */
interface RepositoryState extends RepositoryTransfer {
  readonly children: number;
  readonly streaming: Map<string, number>;
}

function counts(): Record<Outcome, number> {
  return { present: 0, mounted: 0, copied: 0, pushed: 0, 'would-copy': 0, 'would-push': 0 };
}

/** The report of a repository whose tags already hold the index: nothing was looked at or copied. */
export function alreadyPresent(target: Reference, children: number): RepositoryTransfer {
  return { repository: target.name, blobs: counts(), manifests: { ...counts(), present: children }, bytesCopied: 0 };
}

export interface TransferOptions {
  readonly dryRun: boolean;
  readonly reporter: Pick<Reporter, 'info' | 'progress'>;
  /** Requests in flight per registry (design rule 13). */
  readonly concurrency?: number;
}

/**
 * Makes every child manifest and every blob it references present in each target repository
 * (design rules 7–9), before the index is written. A child already in the target is skipped
 * whole: the registry only stored it because its blobs were there.
 */
export class Transfer {
  private readonly limiters = new Map<string, <T>(task: () => Promise<T>) => Promise<T>>();
  private readonly blobs = new Once<Outcome>();
  private readonly probes = new Once<boolean>();
  private readonly manifests = new Once<Outcome>();
  /**
   * Per target ← source repository: whether a mount gets anywhere. A registry that refuses one
   * mount refuses them all (no mount support, Harbor's 401 for a project it does not find, a
   * token service that grants one scope per token), and each refusal may cost a round of
   * re-authentication; so the first blob of a pair finds out and the others go by its answer.
   */
  private readonly mountable = new Map<string, Promise<boolean>>();

  constructor(
    private readonly clientFor: ClientFor,
    private readonly options: TransferOptions,
  ) {}

  private limited<T>(registry: string, task: () => Promise<T>): Promise<T> {
    let limit = this.limiters.get(registry);
    if (!limit) {
      limit = createLimiter(this.options.concurrency ?? 8);
      this.limiters.set(registry, limit);
    }
    return limit(task);
  }

  /** Runs for every target repository at once; resolves when everything is present. */
  async run(children: readonly Child[], targets: readonly Reference[]): Promise<RepositoryTransfer[]> {
    return Promise.all(
      targets.map(async (target) => {
        const state: RepositoryState = {
          repository: target.name,
          blobs: counts(),
          manifests: counts(),
          bytesCopied: 0,
          children: children.length,
          streaming: new Map(),
        };
        this.progress(state);
        await Promise.all(children.map((child) => this.child(child, target, state)));
        const { repository, blobs, manifests, bytesCopied } = state;
        return { repository, blobs, manifests, bytesCopied };
      }),
    );
  }

  private progress(state: RepositoryState): void {
    let streaming = 0;
    for (const n of state.streaming.values()) streaming += n;
    const update: TransferProgress = {
      repository: state.repository,
      children: state.children,
      manifests: { ...state.manifests },
      blobs: { ...state.blobs },
      bytesCopied: state.bytesCopied + streaming,
    };
    this.options.reporter.progress(update);
  }

  private async child(child: Child, target: Reference, report: RepositoryState): Promise<void> {
    const digest = child.descriptor.digest;
    // Read from the target repository itself: nothing to do.
    if (child.source.name === target.name) {
      report.manifests.present++;
      this.progress(report);
      return;
    }
    // Counted inside the shared task, so a manifest two sources share is counted once.
    await this.manifests.run(`${target.name}@${digest}`, async () => {
      const outcome = await this.pushManifest(child, target, report);
      report.manifests[outcome]++;
      this.progress(report);
      return outcome;
    });
  }

  private async pushManifest(child: Child, target: Reference, report: RepositoryState): Promise<Outcome> {
    const digest = child.descriptor.digest;
    const client = await this.clientFor(target.registry);
    const blobs = requiredBlobs(child.manifest);
    // The blobs are looked for alongside the manifest: one round trip instead of two when it is missing.
    for (const blob of blobs) this.probe(blob, target).catch(() => undefined);
    const head = await this.limited(target.registry, () => client.headManifest(target.repository, digest));
    if (head) return 'present';
    await Promise.all(blobs.map((blob) => this.blob(blob, child.source, target, report)));
    if (this.options.dryRun) return 'would-push';
    await this.limited(target.registry, () =>
      client.putManifest(target.repository, digest, child.bytes, child.descriptor.mediaType).catch((err: unknown) => {
        throw explainRefusedManifest(err, child);
      }),
    );
    this.options.reporter.info(`pushed ${child.kind} manifest ${digest} to ${target.name}`);
    return 'pushed';
  }

  private async blob(blob: Descriptor, source: Reference, target: Reference, report: RepositoryState): Promise<void> {
    await this.blobs.run(`${target.name}@${blob.digest}`, async () => {
      const outcome = (await this.probe(blob, target))
        ? 'present'
        : await this.limited(target.registry, () => this.ensureBlob(blob, source, target, report));
      report.streaming.delete(blob.digest);
      report.blobs[outcome]++;
      if (outcome === 'copied') report.bytesCopied += blob.size;
      this.progress(report);
      return outcome;
    });
  }

  /** HEAD of a blob in a target repository, asked once per run (design rule 8: look before writing). */
  private probe(blob: Descriptor, target: Reference): Promise<boolean> {
    return this.probes.run(`${target.name}@${blob.digest}`, () =>
      this.limited(target.registry, async () => (await this.clientFor(target.registry)).hasBlob(target.repository, blob.digest)),
    );
  }

  /** Makes a blob that is not in the target repository present there. */
  private async ensureBlob(blob: Descriptor, source: Reference, target: Reference, report: RepositoryState): Promise<Outcome> {
    const client = await this.clientFor(target.registry);
    if (this.options.dryRun) return 'would-copy';
    const from = await this.clientFor(source.registry);
    if (source.registry === target.registry) {
      const mount = await this.mount(client, blob, source, target);
      if (mount.mounted) return 'mounted';
      // 202 opened a session: fill it. A refused mount: a plain upload (design rule 9).
      await this.copy(from, source, client, target, blob, mount.uploadUrl, report);
    } else {
      await this.copy(from, source, client, target, blob, undefined, report);
    }
    return 'copied';
  }

  /** Mounts the blob, unless a mount from the same source repository was refused (then: upload it). */
  private async mount(client: RegistryClient, blob: Descriptor, source: Reference, target: Reference): Promise<MountResult> {
    const pair = `${target.name} <- ${source.repository}`;
    const first = this.mountable.get(pair);
    if (first !== undefined && !(await first)) return { mounted: false };
    const attempt = client.mountBlob(target.repository, blob.digest, source.repository);
    // Mounted, or a 202 session to fill, means mounts are answered; an error is the run's anyway.
    if (first === undefined)
      this.mountable.set(
        pair,
        attempt.then(
          (m) => m.mounted || m.uploadUrl !== undefined,
          () => true,
        ),
      );
    return attempt;
  }

  /** Streams the blob from source to target: bounded memory, digest verified on the way. */
  private async copy(
    from: RegistryClient,
    source: Reference,
    to: RegistryClient,
    target: Reference,
    blob: Descriptor,
    session: URL | undefined,
    report: RepositoryState,
  ): Promise<void> {
    const upload = session ?? (await to.startUpload(target.repository));
    await to.finishUpload(target.repository, upload, blob.digest, blob.size, async () => {
      // Each attempt streams from the start: what an earlier one sent no longer counts.
      report.streaming.set(blob.digest, 0);
      const body = await from.getBlob(source.repository, blob.digest, blob.size);
      return counted(body, (n) => {
        report.streaming.set(blob.digest, (report.streaming.get(blob.digest) ?? 0) + n);
        this.progress(report);
      });
    });
  }
}

/** The same bytes, counted as they pass (for the progress of long copies). */
function counted(body: Readable, onBytes: (n: number) => void): Readable {
  async function* pass(): AsyncGenerator<Buffer> {
    for await (const chunk of body) {
      onBytes((chunk as Buffer).length);
      yield chunk as Buffer;
    }
  }
  const stream = Readable.from(pass(), { objectMode: false });
  // Destroyed before or while it is read: free the source's connection now, not when the generator next resumes.
  stream.once('close', () => body.destroy());
  return stream;
}

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
