/** Runs at most `limit` tasks at once (design rule 13: bounded concurrency per registry). */
export function createLimiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (task) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

/**
 * Shares one in-flight promise per key, so the same digest is never fetched or pushed twice at
 * once (design rule 13). Settled results are kept: a run never needs the same work twice.
 */
export class Once<T> {
  private readonly results = new Map<string, Promise<T>>();

  run(key: string, task: () => Promise<T>): Promise<T> {
    let result = this.results.get(key);
    if (!result) {
      result = task();
      this.results.set(key, result);
    }
    return result;
  }
}

/** Waits `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * Runs `task` for every item, at most `limit` at once, and waits for all of them, failures
 * included: a batch says every failure, not the first (design rule 20). In item order.
 */
export async function settleAll<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
): Promise<Array<PromiseSettledResult<R>>> {
  const limited = createLimiter(limit);
  return Promise.allSettled(items.map((item, i) => limited(() => task(item, i))));
}
