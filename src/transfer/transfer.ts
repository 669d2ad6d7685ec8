import * as core from '@actions/core';
import type { Descriptor, ImageManifest } from '../oci/manifest';
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

function counts(): Record<Outcome, number> {
  return { present: 0, mounted: 0, copied: 0, pushed: 0, 'would-copy': 0, 'would-push': 0 };
}

/** A report with nothing counted yet. */
export function emptyTransfer(repository: string): RepositoryTransfer {
  return { repository, blobs: counts(), manifests: counts(), bytesCopied: 0 };
}

/** The report of a repository whose tags already hold the index: nothing was looked at or copied. */
export function alreadyPresent(target: Reference, children: number): RepositoryTransfer {
  return { repository: target.name, blobs: counts(), manifests: { ...counts(), present: children }, bytesCopied: 0 };
}

export interface TransferOptions {
  readonly dryRun: boolean;
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
        const report: RepositoryTransfer = { repository: target.name, blobs: counts(), manifests: counts(), bytesCopied: 0 };
        await Promise.all(children.map((child) => this.child(child, target, report)));
        return report;
      }),
    );
  }

  /**
   * Referrers hook (issue 11): makes the blobs an attached manifest references present in a
   * target repository, as for a child (mount or stream, digests verified, each blob once).
   */
  async ensureBlobs(manifest: ImageManifest, source: Reference, target: Reference, report: RepositoryTransfer): Promise<void> {
    await Promise.all(requiredBlobs(manifest).map((blob) => this.blob(blob, source, target, report)));
  }

  private async child(child: Child, target: Reference, report: RepositoryTransfer): Promise<void> {
    const digest = child.descriptor.digest;
    // Read from the target repository itself: nothing to do.
    if (child.source.name === target.name) {
      report.manifests.present++;
      return;
    }
    // Counted inside the shared task, so a manifest two sources share is counted once.
    await this.manifests.run(`${target.name}@${digest}`, async () => {
      const outcome = await this.pushManifest(child, target, report);
      report.manifests[outcome]++;
      return outcome;
    });
  }

  private async pushManifest(child: Child, target: Reference, report: RepositoryTransfer): Promise<Outcome> {
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
    core.info(`pushed ${child.kind} manifest ${digest} to ${target.name}`);
    return 'pushed';
  }

  private async blob(blob: Descriptor, source: Reference, target: Reference, report: RepositoryTransfer): Promise<void> {
    await this.blobs.run(`${target.name}@${blob.digest}`, async () => {
      const outcome = (await this.probe(blob, target))
        ? 'present'
        : await this.limited(target.registry, () => this.ensureBlob(blob, source, target));
      report.blobs[outcome]++;
      if (outcome === 'copied') report.bytesCopied += blob.size;
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
  private async ensureBlob(blob: Descriptor, source: Reference, target: Reference): Promise<Outcome> {
    const client = await this.clientFor(target.registry);
    if (this.options.dryRun) return 'would-copy';
    const from = await this.clientFor(source.registry);
    if (source.registry === target.registry) {
      const mount = await this.mount(client, blob, source, target);
      if (mount.mounted) return 'mounted';
      // 202 opened a session: fill it. A refused mount: a plain upload (design rule 9).
      await this.copy(from, source, client, target, blob, mount.uploadUrl);
    } else {
      await this.copy(from, source, client, target, blob, undefined);
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
  ): Promise<void> {
    const upload = session ?? (await to.startUpload(target.repository));
    await to.finishUpload(target.repository, upload, blob.digest, blob.size, () =>
      from.getBlob(source.repository, blob.digest, blob.size),
    );
  }
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
