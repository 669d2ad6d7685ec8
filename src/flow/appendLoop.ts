import { ContentError } from '../errors';
import { parseManifest } from '../oci/manifest';
import { formatPlatform } from '../oci/platform';
import type { Reference } from '../oci/reference';
import type { Plan, PlanOptions } from '../plan/plan';
import {
  EarlierEntries,
  entriesOfBase,
  entriesOfManifest,
  type OwnEntries,
  planRound,
  standing,
  type TagEntry,
  withoutImages,
} from '../plan/standing';
import { publishIndex, readTags, type TagResult } from '../publish/publish';
import { sleep } from '../transport/retry';
import { resolveBase } from '../resolve/base';
import type { Child, ClientFor, ResolvedSource } from '../resolve/resolve';
import type { RepositoryTransfer, Transfer } from '../transfer/transfer';
import type { Reporter } from './reporter';

/**
 * How long a run waits, and how often it tries (docs/concurrent-append.md says why these).
 * The defaults are what ships; unit tests pass shorter ones.
 */
export interface AppendTiming {
  /** Writes (each checked) before the run gives up; the tag is read at most three times as often. */
  readonly rounds: number;
  /** The least wait between a write and its check, for any concurrent writer to land. */
  readonly settleMs: number;
  /** The longest jittered back-off before a round after the first. */
  readonly maxBackoffMs: number;
  readonly random?: () => number;
}

export const APPEND_TIMING: AppendTiming = { rounds: 10, settleMs: 1000, maxBackoffMs: 2000 };

export interface AppendLoopOptions {
  readonly clientFor: ClientFor;
  readonly targets: readonly Reference[];
  /** One reference per target repository (what the transfer fills). */
  readonly repositories: readonly Reference[];
  readonly resolved: readonly ResolvedSource[];
  readonly planOptions: PlanOptions;
  readonly own: OwnEntries;
  readonly transfer: Transfer;
  readonly reporter: Pick<Reporter, 'info' | 'notice'>;
  readonly timing?: AppendTiming;
}

export interface AppendOutcome {
  /** The index this run wrote last (or would have, had the tag not held it already). */
  readonly plan: Plan;
  /** The base that index was made on. */
  readonly base: ResolvedSource | undefined;
  readonly tags: readonly TagResult[];
  readonly rounds: number;
  /** Own images another run replaced with a newer image of the same platform. */
  readonly superseded: ReadonlyArray<{ readonly own: Child; readonly theirs: string }>;
  /** What later rounds copied into the target repositories (entries other runs added meanwhile). */
  readonly transfers: readonly RepositoryTransfer[];
}

/**
 * Append when other runs may append to the same tag at the same time. The registry has no
 * conditional write, so each round reads the tag, writes the base plus this run's entries,
 * waits until any writer that read the tag before this write has landed, and checks that the
 * tag still holds this run's entries; if a concurrent write erased them, the next round merges
 * again onto what is there. An entry of the same platform that another run wrote after this one
 * started is newer and stays. See docs/concurrent-append.md.
 *
 * The first round's plan and base come from the run (read before any write, design: nothing is
 * written before every source resolved); every child it names is in place. The index tag is
 * still the last write of every round.
 */
export async function appendUntilSettled(
  first: { readonly plan: Plan; readonly base: ResolvedSource | undefined },
  o: AppendLoopOptions,
): Promise<AppendOutcome> {
  const timing = o.timing ?? APPEND_TIMING;
  const random = timing.random ?? Math.random;
  const target = o.targets[0];
  const earlier = new EarlierEntries();
  earlier.record(entriesOfBase(first.base));
  let { plan, base } = first;
  let own = o.own;
  let wrote = false;
  let tags: TagResult[] = [];
  const superseded: Array<{ own: Child; theirs: string }> = [];
  const transfers: RepositoryTransfer[] = [];

  /** Leaves to another run the platforms it has written since this run started. */
  const yieldTo = (found: ReadonlyArray<{ own: Child; theirs: string }>) => {
    for (const s of found) {
      o.reporter.notice(
        `append: ${target} holds ${formatPlatform(s.own.descriptor.platform)} at ${s.theirs}, written by another run ` +
          `after this one started; it is kept (this run's ${s.own.descriptor.digest} is older or as new)`,
      );
    }
    superseded.push(...found);
    own = withoutImages(
      own,
      found.map((s) => s.own),
    );
  };

  let rounds = 0;
  let reads = 1;
  /** Why the base is read again before the next write; undefined: the base in hand is current. */
  let again: 'moved' | 'lost' | undefined;
  for (;;) {
    if (again) {
      if (reads >= timing.rounds * 3) break;
      // Jitter spreads the runs that collided, so they do not collide again; it grows with each lost write.
      const spread = again === 'moved' ? 250 : Math.min(timing.maxBackoffMs, 250 * 2 ** (rounds - 1));
      await sleep(Math.round(random() * spread));
      reads++;
      base = await resolveBase(o.clientFor, target);
      const entries = entriesOfBase(base);
      if (!wrote) earlier.record(entries);
      yieldTo(standing(own, entries, earlier).superseded);
      if (own.images.length === 0) {
        o.reporter.info(`append: every platform of this run is newer in ${target}; nothing left to write`);
        return { plan, base, tags, rounds, superseded, transfers };
      }
      plan = planRound(o.resolved, o.planOptions, own, base);
      transfers.push(...(await o.transfer.run(plan.children, o.repositories)));
    }
    // Read just before the write: a base that moved since it was read is read again (no write).
    const current = await readTags(o.clientFor, o.targets);
    if (current[0] !== base?.digest) {
      o.reporter.info(
        `append: ${target} moved to ${current[0] ?? '(deleted)'} since this run read it at ${base?.digest ?? '(absent)'}; reading it again`,
      );
      again = 'moved';
      continue;
    }
    if (rounds >= timing.rounds) break;
    rounds++;
    const putStarted = Date.now();
    tags = await publishIndex(o.clientFor, plan.index, o.targets, {
      dryRun: false,
      log: o.reporter,
      tags: Promise.resolve(current),
    });
    const putMs = Date.now() - putStarted;
    if (!tags.some((t) => t.outcome === 'written') && !wrote) {
      // Every tag held this very index before this run wrote anything: its entries were there.
      return { plan, base, tags, rounds, superseded, transfers };
    }
    wrote = true;
    // A writer that read the tag before this write lands within about one of its own writes;
    // wait for that (and a second, for registries whose reads lag their writes), then look.
    await sleep(Math.round((timing.settleMs + 2 * putMs) * (0.75 + random() / 2)));
    const check = await checkTags(o, plan, own, earlier);
    yieldTo(check.superseded);
    if (check.missing.length === 0) {
      if (rounds > 1) o.reporter.info(`append: ${target} holds this run's entries after ${rounds} writes`);
      return { plan, base, tags, rounds, superseded, transfers };
    }
    o.reporter.info(
      `append: a concurrent write to ${check.where} left out ${check.missing.map(describe).join(', ')} ` +
        `(write ${rounds} of at most ${timing.rounds}); merging again onto what is there`,
    );
    again = 'lost';
    if (rounds >= timing.rounds) break;
  }
  throw new ContentError(
    `append: ${target} did not settle after ${rounds} writes and ${reads} reads: concurrent appends kept replacing ` +
      `this run's entries (${own.images.map(describe).join(', ')}); the tag may lack them: run this job again`,
  );
}

const describe = (c: Child) => `${formatPlatform(c.descriptor.platform)} ${c.descriptor.digest}`;

/** Reads every target tag after a write: which own entries are gone, and which a newer run replaced (first tag). */
async function checkTags(
  o: AppendLoopOptions,
  written: Plan,
  own: OwnEntries,
  earlier: EarlierEntries,
): Promise<{ missing: Child[]; superseded: Array<{ own: Child; theirs: string }>; where: string }> {
  const digests = await readTags(o.clientFor, o.targets);
  const missing = new Set<Child>();
  const superseded: Array<{ own: Child; theirs: string }> = [];
  const where: string[] = [];
  await Promise.all(
    o.targets.map(async (t, i) => {
      if (digests[i] === written.index.digest) return;
      let entries: TagEntry[] = [];
      if (digests[i] !== undefined) {
        const client = await o.clientFor(t.registry);
        const fetched = await client.getManifest(t.repository, t.tag as string);
        entries = entriesOfManifest(parseManifest(fetched.bytes, fetched.contentType, t.toString()), fetched.digest);
      }
      const s = standing(own, entries, earlier);
      // The first tag is the base: a newer entry there is left alone everywhere.
      if (i === 0) superseded.push(...s.superseded);
      if (s.missing.length > 0) where.push(t.toString());
      for (const m of s.missing) missing.add(m);
    }),
  );
  const left = [...missing].filter((m) => !superseded.some((s) => s.own === m));
  return { missing: left, superseded, where: where.join(', ') };
}

/**
 * The first round's transfer report with what later rounds wrote added (entries other runs
 * appended meanwhile, copied into the other target repositories); what was found present
 * again is not counted twice.
 */
export function withLaterRounds(
  first: readonly RepositoryTransfer[],
  later: readonly RepositoryTransfer[],
): RepositoryTransfer[] {
  return first.map((t) => {
    const blobs = { ...t.blobs };
    const manifests = { ...t.manifests };
    let { bytesCopied } = t;
    for (const l of later.filter((x) => x.repository === t.repository)) {
      for (const k of ['mounted', 'copied', 'pushed'] as const) {
        blobs[k] += l.blobs[k];
        manifests[k] += l.manifests[k];
      }
      bytesCopied += l.bytesCopied;
    }
    return { repository: t.repository, blobs, manifests, bytesCopied };
  });
}
