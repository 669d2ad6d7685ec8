/**
 * The settling loop (write, wait, check, merge again), with scripted steps: its outcomes and its
 * bound. Its users' tests: __tests__/appendLoop.test.ts (parallel appends) and
 * __tests__/carry.test.ts (referrers indexes); the argument: docs/concurrent-append.md.
 */
import { type SettleSteps, writeUntilSettled } from '../src/util/settle';

const fast = { rounds: 3, settleMs: 0, maxBackoffMs: 0, random: () => 0 };

/** Steps that answer from scripts (one answer per call, the last repeated); every call recorded. */
function scripted(script: { unmoved?: boolean[]; write?: boolean[]; holds?: boolean[]; remerge?: boolean[] }) {
  const calls: string[] = [];
  const next = (name: keyof typeof script, fallback: boolean) => {
    const answers = script[name] ?? [fallback];
    calls.push(name);
    return answers.length > 1 ? (answers.shift() as boolean) : answers[0];
  };
  const steps: SettleSteps = {
    remerge: async () => next('remerge', true),
    unmoved: async () => next('unmoved', true),
    write: async () => next('write', true),
    holds: async () => next('holds', true),
  };
  return { steps, calls };
}

describe('writeUntilSettled', () => {
  it('writes once and checks once when nothing interferes', async () => {
    const { steps, calls } = scripted({});
    expect(await writeUntilSettled(steps, fast)).toEqual({ outcome: 'settled', rounds: 1, reads: 1 });
    expect(calls).toEqual(['unmoved', 'write', 'holds']);
  });

  it('merges again and writes again when a concurrent write erased its entries', async () => {
    const { steps, calls } = scripted({ holds: [false, true] });
    expect(await writeUntilSettled(steps, fast)).toEqual({ outcome: 'settled', rounds: 2, reads: 2 });
    expect(calls).toEqual(['unmoved', 'write', 'holds', 'remerge', 'unmoved', 'write', 'holds']);
  });

  it('reads again without writing when what is there moved since it was read', async () => {
    const { steps, calls } = scripted({ unmoved: [false, true] });
    expect(await writeUntilSettled(steps, fast)).toEqual({ outcome: 'settled', rounds: 1, reads: 2 });
    expect(calls).toEqual(['unmoved', 'remerge', 'unmoved', 'write', 'holds']);
  });

  it('ends without a check when the first write found its merge there already, or a merge found nothing left', async () => {
    const unchanged = scripted({ write: [false] });
    expect(await writeUntilSettled(unchanged.steps, fast)).toMatchObject({ outcome: 'unchanged' });
    expect(unchanged.calls).toEqual(['unmoved', 'write']);
    const done = scripted({ holds: [false], remerge: [false] });
    expect(await writeUntilSettled(done.steps, fast)).toMatchObject({ outcome: 'nothing-left', rounds: 1 });
  });

  it('gives up after the bound: so many writes, three times as many reads', async () => {
    const lost = scripted({ holds: [false] });
    expect(await writeUntilSettled(lost.steps, fast)).toEqual({ outcome: 'gave-up', rounds: 3, reads: 3 });
    expect(lost.calls.filter((c) => c === 'write')).toHaveLength(3);
    const moving = scripted({ unmoved: [false] });
    expect(await writeUntilSettled(moving.steps, fast)).toEqual({ outcome: 'gave-up', rounds: 0, reads: 9 });
    expect(moving.calls).not.toContain('write');
  });

  it('waits between a write and its check at least the settle time', async () => {
    const { steps } = scripted({});
    const started = Date.now();
    await writeUntilSettled(steps, { ...fast, settleMs: 200, random: () => 0 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(145); // 0.75 × 200 ms, by the clock
  });
});
