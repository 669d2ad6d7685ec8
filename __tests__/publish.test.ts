/**
 * publishIndex with a scripted registry: a tag already at the digest is not PUT again (immutable
 * tags, design rule 8), and a refused tag that points elsewhere is explained.
 */
import type { Digest } from '../src/oci/digest';
import { MediaType } from '../src/oci/mediaTypes';
import { Reference } from '../src/oci/reference';
import type { SerializedIndex } from '../src/plan/serialize';
import { allTagsAt, explainRefusedTag, publishIndex, readTags } from '../src/publish/publish';
import { type RegistryClient, RegistryError } from '../src/registry/client';

const log = { info: () => undefined };

const OLD = `sha256:${'1'.repeat(64)}` as Digest;
const NEW = `sha256:${'2'.repeat(64)}` as Digest;
const index: SerializedIndex = { mediaType: MediaType.OciIndex, bytes: Buffer.from('{}'), digest: NEW, json: '{}' };
const target = Reference.parse('reg.test/release/app:1');

/** A registry where the tag holds `current`, and PUTs to an existing tag are refused (ECR's immutable tags). */
function immutable(current: Digest | undefined) {
  const puts: string[] = [];
  const client = {
    headManifest: async () => (current ? { digest: current, mediaType: MediaType.OciIndex, size: 2 } : undefined),
    putManifest: async (_repo: string, ref: string) => {
      puts.push(ref);
      if (current)
        throw new RegistryError(
          `PUT manifest reg.test/release/app:${ref}`,
          400,
          'TAG_INVALID',
          `The image tag '${ref}' already exists`,
        );
      return NEW;
    },
  };
  return { puts, clientFor: async () => client as unknown as RegistryClient };
}

describe('readTags and allTagsAt', () => {
  it('reads each tag once and knows when every tag already holds the index', async () => {
    const other = Reference.parse('reg.test/mirror/app:1');
    const current = await readTags(immutable(NEW).clientFor, [target, other]);
    expect(current).toEqual([NEW, NEW]);
    expect(allTagsAt(current, index)).toBe(true);
    expect(allTagsAt([NEW, undefined], index)).toBe(false);
    expect(allTagsAt([NEW, OLD], index)).toBe(false);
  });

  it('reads a tag whole when its HEAD names no digest (a registry that omits Docker-Content-Digest)', async () => {
    const reads: string[] = [];
    const client = {
      headManifest: async () => ({ digest: undefined, mediaType: MediaType.OciIndex, size: 2 }),
      getManifest: async (_repo: string, ref: string) => {
        reads.push(ref);
        return { digest: OLD };
      },
    };
    expect(await readTags(async () => client as unknown as RegistryClient, [target])).toEqual([OLD]);
    expect(reads).toEqual(['1']);
  });

  it('uses the tags read earlier instead of reading them again', async () => {
    const registry = immutable(undefined);
    expect(await publishIndex(registry.clientFor, index, [target], { dryRun: false, log, tags: Promise.resolve([NEW]) })).toEqual(
      [{ reference: target.toString(), outcome: 'unchanged' }],
    );
    expect(registry.puts).toEqual([]);
  });
});

describe('publishIndex', () => {
  it('leaves a tag already at the digest alone, and writes a missing one', async () => {
    const same = immutable(NEW);
    expect(await publishIndex(same.clientFor, index, [target], { dryRun: false, log })).toEqual([
      { reference: target.toString(), outcome: 'unchanged' },
    ]);
    expect(same.puts).toEqual([]);
    const fresh = immutable(undefined);
    expect(await publishIndex(fresh.clientFor, index, [target], { dryRun: false, log })).toEqual([
      { reference: target.toString(), outcome: 'written' },
    ]);
    expect(fresh.puts).toEqual(['1']);
  });

  it('logs the "tagged" lines in the order the tags were given, whichever PUT ends first', async () => {
    const tags = ['a', 'b', 'c'].map((t) => Reference.parse(`reg.test/release/app:${t}`));
    // The first tag's PUT ends last, the last tag's first.
    const delays: Record<string, number> = { a: 30, b: 15, c: 0 };
    const ended: string[] = [];
    const client = {
      headManifest: async () => undefined,
      putManifest: async (_repo: string, ref: string) => {
        await new Promise((resolve) => setTimeout(resolve, delays[ref]));
        ended.push(ref);
        return NEW;
      },
    };
    const lines: string[] = [];
    const results = await publishIndex(async () => client as unknown as RegistryClient, index, tags, {
      dryRun: false,
      log: { info: (line: string) => void lines.push(line) },
    });
    expect(ended).toEqual(['c', 'b', 'a']);
    expect(lines).toEqual(tags.map((t) => `tagged ${t} → ${NEW}`));
    expect(results.map((r) => r.reference)).toEqual(tags.map(String));
  });

  it('explains a refused tag that points at another digest', async () => {
    const moved = immutable(OLD);
    await expect(publishIndex(moved.clientFor, index, [target], { dryRun: false, log })).rejects.toThrow(
      `HTTP 400 TAG_INVALID: The image tag '1' already exists; ${target} already points at ${OLD}: if the repository's tags are immutable, push the merged image to a new tag`,
    );
  });
});

describe('explainRefusedTag', () => {
  it('adds nothing when the tag did not exist, or the refusal is about access or the server', () => {
    for (const [err, current] of [
      [new RegistryError('PUT manifest x', 400, 'TAG_INVALID', 'no'), undefined],
      [new RegistryError('PUT manifest x', 401, 'UNAUTHORIZED', 'no'), OLD],
      [new RegistryError('PUT manifest x', 503, undefined, 'no'), OLD],
      [new Error('reset'), OLD],
    ] as const) {
      const message = err.message;
      expect(explainRefusedTag(err, target, current)).toBe(err);
      expect(err.message).toBe(message);
    }
  });
});
