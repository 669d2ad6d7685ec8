/**
 * Design rule 19: a tag other writers share is merged into and kept against a concurrent writer.
 * Here with a scripted tag (its users: __tests__/carry.test.ts, __tests__/e2e/referrers.test.ts).
 */
import { createHash } from 'node:crypto';
import type { Digest } from '../src/oci/digest';
import { Reference } from '../src/oci/reference';
import type { RegistryClient } from '../src/registry/client';
import { mergeIntoTag, type SharedTagMerge } from '../src/referrers/sharedTag';

const digestOf = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}` as Digest;
const FAST = { rounds: 3, settleMs: 0, maxBackoffMs: 0, random: () => 0 };
const target = Reference.parse('reg.test/app:1');

/** One tag holding a list of words; `afterPut` plays the other writer. */
function tagOf(initial: string[] | undefined, afterPut: (stored: string[]) => string[] | undefined = () => undefined) {
  let stored: Buffer | undefined = initial && Buffer.from(JSON.stringify(initial));
  const puts: string[][] = [];
  const client = {
    headManifest: async () => stored && { digest: digestOf(stored) },
    getManifest: async () => ({ bytes: stored!, digest: digestOf(stored!), contentType: undefined }),
    putManifest: async (_repo: string, _tag: string, bytes: Buffer) => {
      stored = bytes;
      puts.push(JSON.parse(bytes.toString()) as string[]);
      const theirs = afterPut(JSON.parse(bytes.toString()) as string[]);
      if (theirs) stored = Buffer.from(JSON.stringify(theirs));
      return digestOf(bytes);
    },
  } as unknown as RegistryClient;
  return { client, puts, now: () => (stored ? (JSON.parse(stored.toString()) as string[]) : undefined) };
}

const adding = (mine: string[]): SharedTagMerge => ({
  what: 'the list',
  merge: async (current) => {
    const there = current ? (JSON.parse(current.bytes.toString()) as string[]) : [];
    const missing = mine.filter((m) => !there.includes(m));
    return missing.length === 0 ? undefined : { bytes: Buffer.from(JSON.stringify([...there, ...missing])), mediaType: 'x' };
  },
  holds: (current) => mine.every((m) => (JSON.parse(current.bytes.toString()) as string[]).includes(m)),
});

describe('mergeIntoTag', () => {
  it("adds this run's entries after what is there, and writes nothing when they are there", async () => {
    const tag = tagOf(['theirs']);
    expect(await mergeIntoTag(tag.client, target, 't', adding(['mine']), { log: () => undefined, timing: FAST })).toBe(true);
    expect(tag.now()).toEqual(['theirs', 'mine']);
    expect(await mergeIntoTag(tag.client, target, 't', adding(['mine']), { log: () => undefined, timing: FAST })).toBe(false);
    expect(tag.puts).toHaveLength(1);
  });

  it('merges again onto what a writer that read before this write put back after it', async () => {
    let raced = false;
    const tag = tagOf(['theirs'], () => (raced ? undefined : ((raced = true), ['theirs', 'other'])));
    const log: string[] = [];
    await mergeIntoTag(tag.client, target, 't', adding(['mine']), { log: (m) => log.push(m), timing: FAST });
    expect(tag.now()).toEqual(['theirs', 'other', 'mine']);
    expect(tag.puts).toHaveLength(2);
    expect(log[0]).toMatch(/^a concurrent write to the list left out this run's entries \(write 1 of at most 3\)/);
  });

  it('fails naming the tag when its entries keep being erased', async () => {
    const tag = tagOf(['theirs'], () => ['theirs']);
    await expect(mergeIntoTag(tag.client, target, 't', adding(['mine']), { log: () => undefined, timing: FAST })).rejects.toThrow(
      'the list did not settle after 3 writes and 3 reads',
    );
  });
});
