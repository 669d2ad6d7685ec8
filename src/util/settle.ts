import { sleep } from './concurrency';

/**
 * Writing where other writers may write the same thing at the same time, with no conditional
 * write to lean on (a tag PUT has no compare-and-swap): write, wait until any concurrent writer
 * that read before this write has landed, check that what is there holds this run's entries,
 * and merge again onto what is there when it does not. Bounded. Parallel appends to one tag and
 * the referrers indexes (`sha256-<hex>`) both use it; docs/concurrent-append.md says why it
 * converges and what window remains.
 */

/** How long a run waits, and how often it tries. */
export interface SettleTiming {
  /** Writes (each checked) before the run gives up; what is there is read at most three times as often. */
  readonly rounds: number;
  /** The least wait between a write and its check, for any concurrent writer to land. */
  readonly settleMs: number;
  /** The longest jittered back-off before a round after the first. */
  readonly maxBackoffMs: number;
  readonly random?: () => number;
}

/** What ships (docs/concurrent-append.md); unit tests pass shorter ones. */
export const SETTLE_TIMING: SettleTiming = { rounds: 10, settleMs: 1000, maxBackoffMs: 2000 };

/**
 * The steps of one kind of write. The first merge is the caller's, made before the loop (a run
 * writes nothing before every check has passed); the loop starts by writing it.
 */
export interface SettleSteps {
  /**
   * Reads what is there again and merges this run's entries onto it (`wrote`: this run has
   * written before). False when nothing is left to write: the loop ends.
   */
  remerge(wrote: boolean): Promise<boolean>;
  /** Just before writing: whether what is there is still what the last merge was made on (false: merge again first). */
  unmoved(): Promise<boolean>;
  /** Writes the last merge; false when what is there held it already (nothing written). */
  write(): Promise<boolean>;
  /** After the wait: whether what is there holds this run's entries (false: a concurrent write erased some). */
  holds(round: number): Promise<boolean>;
}

export interface Settled {
  /**
   * `settled`: written and found there; `unchanged`: held already, nothing written;
   * `nothing-left`: a merge found nothing left to write; `gave-up`: the bound was reached.
   */
  readonly outcome: 'settled' | 'unchanged' | 'nothing-left' | 'gave-up';
  /** Writes made. */
  readonly rounds: number;
  /** Reads of what is there (the first one, the caller's, included). */
  readonly reads: number;
}

export async function writeUntilSettled(steps: SettleSteps, timing: SettleTiming = SETTLE_TIMING): Promise<Settled> {
  const random = timing.random ?? Math.random;
  let rounds = 0;
  let reads = 1;
  let wrote = false;
  /** Why what is there is read again before the next write; undefined: the merge in hand is current. */
  let again: 'moved' | 'lost' | undefined;
  for (;;) {
    if (again) {
      if (reads >= timing.rounds * 3) break;
      // Jitter spreads the writers that collided, so they do not collide again; it grows with each lost write.
      const spread = again === 'moved' ? 250 : Math.min(timing.maxBackoffMs, 250 * 2 ** (rounds - 1));
      await sleep(Math.round(random() * spread));
      reads++;
      if (!(await steps.remerge(wrote))) return { outcome: 'nothing-left', rounds, reads };
    }
    // Read just before the write: what moved since it was read is read again (no write).
    if (!(await steps.unmoved())) {
      again = 'moved';
      continue;
    }
    if (rounds >= timing.rounds) break;
    rounds++;
    const putStarted = Date.now();
    const written = await steps.write();
    const putMs = Date.now() - putStarted;
    // What is there held this very merge before this run wrote anything: its entries were there.
    if (!written && !wrote) return { outcome: 'unchanged', rounds, reads };
    wrote = true;
    // A writer that read before this write lands within about one of its own writes; wait for
    // that (and a second, for registries whose reads lag their writes), then look.
    await sleep(Math.round((timing.settleMs + 2 * putMs) * (0.75 + random() / 2)));
    if (await steps.holds(rounds)) return { outcome: 'settled', rounds, reads };
    again = 'lost';
    if (rounds >= timing.rounds) break;
  }
  return { outcome: 'gave-up', rounds, reads };
}
