/**
 * action.yml read with a small parser for the subset it uses (no YAML library in the
 * dependencies); anything outside that subset fails loudly rather than being misread.
 */

export const ACTION_PLACEHOLDER = 'your-org/merge-multiarch-action@v1';

export interface Entry {
  name: string;
  props: Record<string, string>;
}

/** One scalar as action.yml writes them: 'single-quoted', "double-quoted" or plain. */
function scalar(raw: string, where: string): string {
  const v = raw.trim();
  if (v.startsWith("'")) {
    if (!/^'(?:[^']|'')*'$/.test(v)) throw new Error(`${where}: unterminated single-quoted scalar`);
    return v.slice(1, -1).replace(/''/g, "'");
  }
  if (v.startsWith('"')) {
    if (!/^"(?:[^"\\]|\\.)*"$/.test(v)) throw new Error(`${where}: unterminated double-quoted scalar`);
    return JSON.parse(v) as string;
  }
  if (/^[|>]/.test(v)) throw new Error(`${where}: block scalars are not supported by this test's parser; extend it`);
  if (/^[[{&*!]/.test(v)) throw new Error(`${where}: flow collections, anchors and tags are not supported by this test's parser`);
  return v.replace(/\s+#.*$/, ''); // a plain scalar may end with a comment
}

/** The `inputs:` or `outputs:` mapping of action.yml: two-space names, four-space properties. */
export function parseActionBlock(yaml: string, block: 'inputs' | 'outputs'): Entry[] {
  const lines = yaml.split(/\r?\n/);
  const start = lines.findIndex((l) => l === `${block}:`);
  if (start < 0) throw new Error(`action.yml has no top-level "${block}:"`);
  const entries: Entry[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i];
    const where = `action.yml line ${i + 1}`;
    if (line.trim() === '' || /^\s*#/.test(line)) continue;
    if (/^\S/.test(line)) break; // next top-level key
    const name = /^ {2}([A-Za-z0-9_-]+):\s*$/.exec(line);
    if (name) {
      entries.push({ name: name[1], props: {} });
      continue;
    }
    const prop = /^ {4}([A-Za-z0-9_-]+):(?:\s+(.*))?$/.exec(line);
    if (!prop || entries.length === 0) throw new Error(`${where}: unexpected line in ${block}: ${JSON.stringify(line)}`);
    if (prop[2] === undefined) throw new Error(`${where}: "${prop[1]}" has no inline value; extend this test's parser`);
    entries[entries.length - 1].props[prop[1]] = scalar(prop[2], where);
  }
  return entries;
}
