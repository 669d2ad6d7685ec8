/**
 * Transfer's choices between mount and upload (design rule 9) and its explanation of a refused
 * manifest, with scripted registry clients. The end-to-end quirk suite proves the same against
 * a real registry; here each branch is pinned down.
 */
import { recordingReporter } from './helpers/reporter';
import { Readable } from 'node:stream';
import type { Digest } from '../src/oci/digest';
import type { Descriptor, ImageManifest } from '../src/oci/manifest';
import { MediaType } from '../src/oci/mediaTypes';
import { Reference } from '../src/oci/reference';
import { type MountResult, type RegistryClient, RegistryError } from '../src/registry/client';
import type { Child } from '../src/resolve/resolve';
import { type EarlyImage, explainRefusedManifest, Transfer } from '../src/transfer/transfer';

const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}` as Digest;
const blob = (n: number): Descriptor => ({ mediaType: 'application/octet-stream', digest: digest(n), size: 3 });

function child(source: string, first: number, bytes?: Buffer): Child {
  const manifest: ImageManifest = {
    kind: 'image',
    mediaType: MediaType.OciManifest,
    config: blob(first),
    layers: [blob(first + 1), blob(first + 2)],
  };
  const body = bytes ?? Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciManifest }));
  return {
    kind: 'image',
    descriptor: {
      mediaType: MediaType.OciManifest,
      digest: digest(1000 + first),
      size: body.length,
      platform: { os: 'linux', architecture: 'amd64' },
    },
    manifest,
    bytes: body,
    source: Reference.parse(source),
  };
}

/** What resolve reports of a child before the plan. */
const early = (c: Child): EarlyImage => ({ source: c.source, digest: c.descriptor.digest, manifest: c.manifest });

/** One registry where nothing is present yet; `mount` decides each mount's answer. */
function registry(mount: (from: string, d: Digest) => MountResult) {
  const calls = { mounts: [] as string[], uploads: [] as string[], sessions: [] as string[], heads: [] as string[], streamed: 0 };
  let n = 0;
  const client = {
    headManifest: async (_repo: string, ref: string) => {
      calls.heads.push(ref);
      return undefined;
    },
    hasBlob: async () => false,
    mountBlob: async (_repo: string, d: Digest, from: string) => {
      calls.mounts.push(`${from}@${d}`);
      await new Promise((r) => setTimeout(r, 5)); // answers arrive later than the other blobs ask
      return mount(from, d);
    },
    startUpload: async () => new URL(`http://reg.test/upload/${++n}`),
    finishUpload: async (_repo: string, session: URL, d: Digest, _size: number, body: () => Promise<Readable>) => {
      // Read the body as the registry would: that is when its bytes count as copied.
      for await (const chunk of await body()) calls.streamed += (chunk as Buffer).length;
      calls.sessions.push(session.pathname);
      calls.uploads.push(d);
    },
    getBlob: async (_repo: string, _d: Digest, _size: number, onBytes?: (n: number) => void) =>
      Readable.from(
        (async function* () {
          for (const part of ['a', 'bc']) {
            onBytes?.(part.length);
            yield Buffer.from(part);
          }
        })(),
      ),
    putManifest: async (_repo: string, ref: string) => ref as Digest,
  };
  return { calls, clientFor: async () => client as unknown as RegistryClient };
}

const target = Reference.parse('reg.test/release/app:1');

describe('Transfer', () => {
  it('sends mounts without waiting for a first one, and uploads what is asked for once a mount from that source was refused', async () => {
    // Mounts from ci/a are refused (Harbor's 401, a token without the source scope); from ci/b they work.
    const reg = registry((from) => (from === 'ci/a' ? { mounted: false } : { mounted: true }));
    const transfer = new Transfer(reg.clientFor, { dryRun: false, reporter: recordingReporter() });
    const [report] = await transfer.run([child('reg.test/ci/a:b', 1), child('reg.test/ci/b:b', 10)], [target]);
    // All at once: the three of ci/a were in flight before the first refusal came back.
    expect(reg.calls.mounts.filter((m) => m.startsWith('ci/a@'))).toHaveLength(3);
    expect(reg.calls.mounts.filter((m) => m.startsWith('ci/b@'))).toHaveLength(3);
    expect(reg.calls.uploads.sort()).toEqual([digest(1), digest(2), digest(3)]);
    expect(report.blobs).toMatchObject({ mounted: 3, copied: 3 });
    expect(report.manifests.pushed).toBe(2);

    // A later child from ci/a: its blobs go straight to upload, with no mount attempt.
    const [later] = await transfer.run([child('reg.test/ci/a:c', 20)], [target]);
    expect(reg.calls.mounts.filter((m) => m.startsWith('ci/a@'))).toHaveLength(3);
    expect(reg.calls.uploads.filter((d) => [20, 21, 22].map(digest).includes(d as Digest))).toHaveLength(3);
    expect(later.blobs).toMatchObject({ mounted: 0, copied: 3 });
  });

  it('starts blob work early and counts it in the report that asks for it', async () => {
    const reg = registry(() => ({ mounted: true }));
    const transfer = new Transfer(reg.clientFor, { dryRun: false, reporter: recordingReporter() });
    const c = child('reg.test/ci/a:b', 1);
    transfer.prefetch(early(c), [target]);
    await new Promise((r) => setTimeout(r, 1));
    expect(reg.calls.mounts).toHaveLength(3); // sent at once, before run() is asked
    expect(reg.calls.heads).toEqual([c.descriptor.digest]); // is the child there? asked before the plan too
    const [report] = await transfer.run([c], [target]);
    expect(reg.calls.mounts).toHaveLength(3); // not asked again
    expect(reg.calls.heads).toHaveLength(1);
    expect(report.blobs).toMatchObject({ mounted: 3 });
    expect(report.manifests.pushed).toBe(1);
  });

  it('writes nothing early in a dry run', async () => {
    const reg = registry(() => ({ mounted: true }));
    new Transfer(reg.clientFor, { dryRun: true, reporter: recordingReporter() }).prefetch(early(child('reg.test/ci/a:b', 1)), [
      target,
    ]);
    await new Promise((r) => setTimeout(r, 1));
    expect(reg.calls.mounts).toEqual([]);
  });

  it('reports progress per target repository, ending at what the report says', async () => {
    const reg = registry(() => ({ mounted: false }));
    const reporter = recordingReporter();
    const [report] = await new Transfer(reg.clientFor, { dryRun: false, reporter }).run([child('reg.test/ci/a:b', 1)], [target]);
    const updates = reporter.progressUpdates;
    expect(updates[0]).toMatchObject({ repository: target.name, children: 1, bytesCopied: 0 });
    expect(updates[0].blobs.copied + updates[0].manifests.pushed).toBe(0);
    expect(updates.at(-1)).toEqual({ ...report, children: 1 });
    // Bytes are counted while they stream, never more than the blobs hold.
    const bytes = updates.map((u) => u.bytesCopied);
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
    expect(bytes.at(-1)).toBe(report.bytesCopied);
    expect(report.bytesCopied).toBe(reg.calls.streamed);
    // At least one update came while a blob was still streaming (before it was counted as copied).
    expect(updates.some((u) => u.bytesCopied > 3 * u.blobs.copied)).toBe(true);
  });

  it('tells the reporter of a long blob at its first chunk and then every MiB, not at every chunk', async () => {
    const reg = registry(() => ({ mounted: false }));
    const chunk = Buffer.alloc(16 * 1024);
    // 200 chunks of 16 KiB, as HTTP/2 delivers them: 3.1 MiB.
    const client = (await reg.clientFor()) as unknown as { getBlob: unknown };
    client.getBlob = async (_repo: string, _d: Digest, _size: number, onBytes?: (n: number) => void) =>
      Readable.from(
        (async function* () {
          for (let i = 0; i < 200; i++) {
            onBytes?.(chunk.length);
            yield chunk;
          }
        })(),
      );
    const reporter = recordingReporter();
    const c = child('reg.test/ci/a:b', 1);
    const big: Child = { ...c, manifest: { ...c.manifest, layers: [] } };
    await new Transfer(reg.clientFor, { dryRun: false, reporter }).run([big], [target]);
    const streaming = reporter.progressUpdates.filter((u) => u.blobs.copied === 0 && u.bytesCopied > 0).map((u) => u.bytesCopied);
    // The first chunk, then each MiB: 16 KiB, 1 MiB + 16 KiB, 2 MiB + 16 KiB, 3 MiB + 16 KiB.
    expect(streaming).toEqual([1, 65, 129, 193].map((n) => n * chunk.length));
  });

  it('counts the bytes of blobs copied early (prefetch) once, in the progress and the report', async () => {
    const reg = registry(() => ({ mounted: false }));
    const reporter = recordingReporter();
    const transfer = new Transfer(reg.clientFor, { dryRun: false, reporter });
    const c = child('reg.test/ci/a:b', 1);
    transfer.prefetch(early(c), [target]);
    await new Promise((r) => setTimeout(r, 20));
    expect(reporter.progressUpdates).toEqual([]); // no repository is being reported on before run()
    const [report] = await transfer.run([c], [target]);
    expect(report.blobs).toMatchObject({ copied: 3 });
    expect(report.bytesCopied).toBe(reg.calls.streamed);
    const bytes = reporter.progressUpdates.map((u) => u.bytesCopied);
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
    expect(bytes.at(-1)).toBe(report.bytesCopied);
  });

  it('fills every 202 session a mount opens, and never counts it as mounted', async () => {
    let session = 0;
    const reg = registry(() => ({ mounted: false, uploadUrl: new URL(`http://reg.test/mount-session/${++session}`) }));
    const [report] = await new Transfer(reg.clientFor, { dryRun: false, reporter: recordingReporter() }).run(
      [child('reg.test/ci/a:b', 1)],
      [target],
    );
    expect(reg.calls.mounts).toHaveLength(3);
    expect(reg.calls.sessions.sort()).toEqual(['/mount-session/1', '/mount-session/2', '/mount-session/3']);
    expect(report.blobs).toMatchObject({ mounted: 0, copied: 3 });
  });
});

/**
 * A target repository that holds some children and blobs already, whose answers arrive in a
 * random order: the counts must not depend on that order, and a dry run must say what the real
 * run then does.
 */
describe('counts', () => {
  /** Child A (blobs 1–3) shares blob 3 with child B (blobs 3–6, config 3); C (blobs 7–9) comes from another registry. */
  const a = child('reg.test/ci/a:a', 1);
  const plainB = child('reg.test/ci/a:b', 4);
  const b: Child = { ...plainB, manifest: { ...plainB.manifest, config: blob(3) } as ImageManifest };
  const c = child('other.test/ci/c:c', 7);

  /** Holds `manifests` and `blobs`; every answer takes a random few milliseconds. */
  function holding(manifests: readonly Digest[], blobs: readonly Digest[]) {
    const jitter = () => new Promise((r) => setTimeout(r, Math.floor(Math.random() * 4)));
    const client = {
      headManifest: async (_repo: string, ref: string) => {
        await jitter();
        return manifests.includes(ref as Digest) ? { digest: ref } : undefined;
      },
      hasBlob: async (_repo: string, d: Digest) => {
        await jitter();
        return blobs.includes(d);
      },
      mountBlob: async () => {
        await jitter();
        return { mounted: true };
      },
      startUpload: async () => new URL('http://reg.test/upload/1'),
      finishUpload: async () => jitter(),
      getBlob: async () => Readable.from([Buffer.from('abc')]),
      putManifest: async (_repo: string, ref: string) => ref as Digest,
    };
    return async () => client as unknown as RegistryClient;
  }

  async function counts(clientFor: ReturnType<typeof holding>, dryRun: boolean, early: boolean) {
    const transfer = new Transfer(clientFor, { dryRun, reporter: recordingReporter() });
    if (early)
      for (const x of [a, b, c])
        transfer.prefetch({ source: x.source, digest: x.descriptor.digest, manifest: x.manifest }, [target]);
    const [report] = await transfer.run([a, b, c], [target]);
    return { blobs: report.blobs, manifests: report.manifests };
  }

  type Counts = Awaited<ReturnType<typeof counts>>['blobs'];
  /** The real run's outcomes for a dry run's. */
  const done = (dry: Counts): Counts => ({
    ...dry,
    mounted: dry['would-mount'],
    copied: dry['would-copy'],
    pushed: dry['would-push'],
    'would-mount': 0,
    'would-copy': 0,
    'would-push': 0,
  });

  const cases: Array<[string, Digest[], Digest[], Partial<Counts>]> = [
    ['everything', [a, b, c].map((x) => x.descriptor.digest), [1, 2, 3, 5, 6, 7, 8, 9].map(digest), { present: 8 }],
    ['part of it', [a.descriptor.digest], [1, 2, 3, 7].map(digest), { present: 3, 'would-mount': 3, 'would-copy': 2 }],
    ['nothing', [], [], { present: 0, 'would-mount': 5, 'would-copy': 3 }],
  ];
  for (const [what, manifests, blobs, expected] of cases) {
    it(`are the same on every dry run, and what the real run then does, when the target holds ${what}`, async () => {
      const clientFor = holding(manifests, blobs);
      const dry = await counts(clientFor, true, false);
      expect(dry.blobs).toMatchObject(expected);
      for (let i = 0; i < 5; i++) expect(await counts(clientFor, true, false)).toEqual(dry);
      for (const early of [false, true]) {
        const real = await counts(clientFor, false, early);
        expect(real.blobs).toEqual(done(dry.blobs));
        expect(real.manifests).toEqual(done(dry.manifests));
      }
    });
  }
});

describe('explainRefusedManifest', () => {
  const bare = child('reg.test/ci/a:b', 1, Buffer.from(JSON.stringify({ schemaVersion: 2, config: {}, layers: [] })));
  const typed = child('reg.test/ci/a:b', 1);
  const refused = (status: number, code?: string) =>
    new RegistryError('PUT manifest reg.test/release/app@sha256:…', status, code, 'Invalid JSON syntax');

  it('says what to change when a manifest without mediaType is refused (ECR: 405 UNSUPPORTED)', () => {
    const err = explainRefusedManifest(refused(405, 'UNSUPPORTED'), bare) as Error;
    expect(err).toBeInstanceOf(RegistryError);
    expect(err.message).toMatch(
      /^PUT manifest .*: HTTP 405 UNSUPPORTED: Invalid JSON syntax; the manifest has no "mediaType" field/,
    );
    expect(err.message).toContain('rebuild "reg.test/ci/a:b"');
  });

  it('leaves other refusals as they are', () => {
    for (const [err, c] of [
      [refused(405, 'UNSUPPORTED'), typed],
      [refused(401, 'UNAUTHORIZED'), bare],
      [refused(503), bare],
      [new Error('connection reset'), bare],
    ] as const) {
      const message = err.message;
      expect(explainRefusedManifest(err, c)).toBe(err);
      expect(err.message).toBe(message);
    }
  });
});
