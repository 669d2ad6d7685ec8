/** Splits a list input: one item per line or comma-separated; blank items are ignored. */
export function splitList(value: string): string[] {
  return value
    .split(/[\r\n,]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Splits on lines only, for inputs whose items may contain commas (annotation values). */
export function splitLines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The first item that occurs twice under `key`, if any. */
export function firstDuplicate<T>(items: readonly T[], key: (item: T) => string): [T, T] | undefined {
  const seen = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    const earlier = seen.get(k);
    if (earlier !== undefined) return [earlier, item];
    seen.set(k, item);
  }
  return undefined;
}
