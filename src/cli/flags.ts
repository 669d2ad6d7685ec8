import { parseArgs } from 'node:util';
import type { Setting } from '../errors';
import type { InputReader } from '../inputs/context';

/**
 * One command-line flag per action input: the flag's values become the input's value, and the
 * action's own parser (getInputs) reads them. A new input is one line here.
 * - `list`: repeatable; the values are joined one per line (a value may hold a comma-separated list).
 * - `value`: given at most once.
 * - `switch`: no value; present means `true`.
 */
interface InputFlag {
  readonly flag: string;
  readonly input: Setting;
  readonly kind: 'list' | 'value' | 'switch';
  readonly placeholder?: string;
  readonly help: string;
}

// prettier-ignore
export const INPUT_FLAGS: readonly InputFlag[] = [
  { flag: 'source', input: 'sources', kind: 'list', placeholder: 'REF', help: 'an image to merge; * and ? in its tag match every such tag (repeatable; required unless --images)' },
  { flag: 'tag', input: 'tags', kind: 'list', placeholder: 'REF', help: 'a target reference, registry/repository:tag; no tag means latest, as with docker (repeatable; required unless --images)' },
  { flag: 'attestations', input: 'attestations', kind: 'value', placeholder: 'strip|keep|referrers', help: 'drop buildx attestations, keep them in the index, or attach them to their images as OCI referrers (default strip)' },
  { flag: 'referrers', input: 'referrers', kind: 'value', placeholder: 'copy|skip', help: 'carry signatures, SBOMs and attestations attached to the children, or not (default copy)' },
  { flag: 'platform', input: 'platforms', kind: 'list', placeholder: 'P', help: 'keep only these platforms (repeatable or comma-separated)' },
  { flag: 'annotation', input: 'annotations', kind: 'list', placeholder: 'KEY=VALUE', help: 'an index annotation (repeatable)' },
  { flag: 'media-type', input: 'media-type', kind: 'value', placeholder: 'oci|docker|auto', help: 'the index media type (default oci)' },
  { flag: 'images', input: 'images', kind: 'value', placeholder: 'FILE', help: 'merge several images in one run, all or nothing: a YAML or JSON list of {sources, tags, platforms, annotations, append} (- reads stdin; see docs/batch.md)' },
  { flag: 'bake-metadata', input: 'bake-metadata', kind: 'list', placeholder: 'FILE', help: 'merge every target of the metadata files docker buildx bake --metadata-file wrote (paths or globs, repeatable); --tag says which tags each target gets (see docs/bake.md)' },
  { flag: 'floating-tag', input: 'floating-tags', kind: 'list', placeholder: 'TAG', help: 'a tag (or pattern) written only after every other tag of the run; "none" for none (repeatable; default latest)' },
  { flag: 'append', input: 'append', kind: 'switch', help: "start from the first --tag's current index; new platforms replace old ones" },
  { flag: 'dry-run', input: 'dry-run', kind: 'switch', help: 'resolve, plan and check everything; write nothing' },
  { flag: 'outage-timeout', input: 'outage-timeout', kind: 'value', placeholder: 'SECONDS', help: 'give up on a registry that has not answered for this long (default 60)' },
  { flag: 'insecure-registry', input: 'insecure-registries', kind: 'list', placeholder: 'HOST[:PORT]', help: 'allow plain HTTP for this registry when it does not speak TLS (repeatable)' },
];

/** Flags of the command line itself, not inputs of the merge. */
export const TOOL_FLAGS = {
  username: { type: 'string', placeholder: 'USER', help: 'log in to the registries of every --tag as USER ...' },
  'password-stdin': { type: 'boolean', help: '... with the password (or token) read from stdin' },
  json: { type: 'boolean', help: "print the result as one JSON object (the action's outputs) on stdout" },
  verbose: { type: 'boolean', help: 'log every HTTP request (method, URL, status; never credentials)' },
  help: { type: 'boolean', short: 'h', help: 'show this help' },
  version: { type: 'boolean', help: 'show the version' },
} as const;

/** Bad usage: the tool exits 2 before sending any request. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CommandLine {
  /** The flags as action inputs, by action.yml name ('' when not given). */
  readonly read: InputReader;
  readonly username: string | undefined;
  readonly passwordStdin: boolean;
  readonly json: boolean;
  readonly verbose: boolean;
  readonly help: boolean;
  readonly version: boolean;
}

type ParseOptions = Record<string, { type: 'string' | 'boolean'; multiple?: boolean; short?: string }>;

/** What parseArgs is told: every input flag and tool flag. */
function parseOptions(): ParseOptions {
  const options: ParseOptions = {};
  for (const f of INPUT_FLAGS)
    options[f.flag] = { type: f.kind === 'switch' ? 'boolean' : 'string', multiple: f.kind !== 'switch' };
  for (const [name, t] of Object.entries(TOOL_FLAGS))
    options[name] = { type: t.type, ...('short' in t ? { short: t.short } : {}) };
  return options;
}

export function parseCommandLine(argv: readonly string[]): CommandLine {
  const options = parseOptions();
  let values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  try {
    ({ values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new UsageError(withSuggestion(err as Error & { code?: string }, argv, options));
  }
  const inputs = new Map<string, string>();
  for (const f of INPUT_FLAGS) {
    const v = values[f.flag];
    if (v === undefined) continue;
    if (f.kind === 'switch') {
      inputs.set(f.input, 'true');
      continue;
    }
    const list = (v as string[]).map((s) => s.trim());
    if (list.some((s) => s === '')) throw new UsageError(`--${f.flag} needs a value`);
    if (f.kind === 'value' && list.length > 1) throw new UsageError(`--${f.flag} is given ${list.length} times; give it once`);
    inputs.set(f.input, list.join('\n'));
  }
  const username = values.username as string | undefined;
  const passwordStdin = values['password-stdin'] === true;
  if (username !== undefined && username.trim() === '') throw new UsageError('--username needs a value');
  if (passwordStdin && username === undefined) throw new UsageError('--password-stdin needs --username');
  if (username !== undefined && !passwordStdin) {
    throw new UsageError('--username needs --password-stdin (a password on the command line would show in the process list)');
  }
  return {
    read: (name) => inputs.get(name) ?? '',
    username,
    passwordStdin,
    json: values.json === true,
    verbose: values.verbose === true,
    help: values.help === true,
    version: values.version === true,
  };
}

/** parseArgs's message, with the nearest known flag when the flag given is unknown. */
function withSuggestion(err: Error & { code?: string }, argv: readonly string[], options: ParseOptions): string {
  if (err.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return err.message;
  // Parsed again leniently, only to learn which flag it was (parseArgs's message words it for people).
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  const unknown = tokens.find((t) => t.kind === 'option' && !(t.name in options));
  if (unknown?.kind !== 'option') return err.message;
  const nearest = unknown.rawName.startsWith('--') ? nearestFlag(unknown.name) : undefined;
  return `unknown flag ${unknown.rawName}${nearest ? `; did you mean --${nearest}?` : ''}`;
}

/**
 * The known flag closest to a mistyped one: an action input's name gives its flag
 * (`--sources` → `--source`), else the flag fewest edits away, if near enough to be a typo.
 */
export function nearestFlag(name: string): string | undefined {
  const byInput = INPUT_FLAGS.find((f) => f.input === name);
  if (byInput) return byInput.flag;
  const known = [...INPUT_FLAGS.map((f) => f.flag), ...Object.keys(TOOL_FLAGS)];
  let best: { flag: string; distance: number } | undefined;
  for (const flag of known) {
    const distance = editDistance(name, flag);
    if (best === undefined || distance < best.distance) best = { flag, distance };
  }
  // Near enough to be a typo: one edit in three characters (at least one).
  return best && best.distance <= Math.max(1, Math.floor(name.length / 3)) ? best.flag : undefined;
}

/** Edit distance: insertions, deletions, substitutions and swaps of two neighbours (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
