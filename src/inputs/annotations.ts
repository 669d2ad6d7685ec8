import { InputError, type Setting } from '../errors';
import { splitLines } from './lists';

export interface ParsedAnnotations {
  /** Annotations for the index, sorted by key so the serialisation is stable. */
  readonly index: Readonly<Record<string, string>>;
  /** Lines for other levels (`manifest:` …), skipped because they would change the children's digests. */
  readonly skipped: readonly string[];
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
// docker/metadata-action prefixes: `index:`, `manifest:`, `index-descriptor:`, `manifest-descriptor:`, optionally with `[platform]`.
const LEVEL = /^(index|manifest|index-descriptor|manifest-descriptor)(\[[^\]]*\])?:(.*)$/s;

/** Parses `key=value` lines, accepting docker/metadata-action's `annotations` output as is. */
export function parseAnnotations(value: string, input: Setting = 'annotations'): ParsedAnnotations {
  const index: Record<string, string> = {};
  const skipped: string[] = [];
  for (const line of splitLines(value)) {
    let rest = line;
    const level = LEVEL.exec(line);
    if (level) {
      if (level[1] !== 'index' || level[2] !== undefined) {
        skipped.push(line);
        continue;
      }
      rest = level[3];
    }
    const eq = rest.indexOf('=');
    if (eq < 0) throw new InputError(input, `"${line}" is not key=value`);
    const key = rest.slice(0, eq).trim();
    if (key === '') throw new InputError(input, `"${line}" has an empty key`);
    if (!KEY.test(key)) throw new InputError(input, `"${line}": the key "${key}" has characters annotation keys do not allow`);
    if (key in index) throw new InputError(input, `the key "${key}" is given twice`);
    index[key] = rest.slice(eq + 1);
  }
  const sorted = Object.fromEntries(Object.entries(index).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { index: sorted, skipped };
}
