/**
 * Errors and messages that name what the user wrote. The flow knows its settings by one key each
 * (the action.yml input names, which the command line maps its flags to); a message that names a
 * setting, or gives advice that depends on where the tool runs, holds a structured reference to
 * it, and each front end words the references with its own table of names (`Names`): the action
 * says `input "media-type"`, the command line `--media-type`.
 */

/** The settings of a merge, by key. */
export type Setting =
  | 'sources'
  | 'tags'
  | 'attestations'
  | 'referrers'
  | 'platforms'
  | 'annotations'
  | 'media-type'
  | 'append'
  | 'dry-run'
  | 'insecure-registries'
  | 'outage-timeout'
  | 'github-token'
  | 'images'
  | 'floating-tags'
  /** Bake metadata files read as the images of a batch (src/inputs/bake.ts). */
  | 'bake-metadata';

/** Advice whose words depend on the front end (a workflow expression, a flag, a shell command). */
export type Hint =
  /** How to get a lowercase repository name. */
  | { readonly hint: 'lowercase-repository' }
  /** How to allow plain HTTP for a registry (design rule 14). */
  | { readonly hint: 'plain-http'; readonly host: string }
  /** How to give annotations for the index rather than for its children. */
  | { readonly hint: 'index-annotations' };

/** A piece of a message: text, a setting (maybe with a value to give it), or advice. */
export type Part = string | { readonly setting: Setting; readonly value?: string } | Hint;
export type Wording = readonly Part[];

/** One front end's table of names. */
export interface Names {
  /** A setting named in a sentence: `input "platforms"`, `--platform`. */
  setting(key: Setting): string;
  /** A setting given a value: `attestations: strip`, `--attestations strip`. */
  value(key: Setting, value: string): string;
  hint(hint: Hint): string;
}

/** A reference to a setting, with the value to give it when the message suggests one. */
export function setting(key: Setting, value?: string): Part {
  return value === undefined ? { setting: key } : { setting: key, value };
}

/** Builds a wording from a template: say`use ${setting('media-type', 'oci')} or auto`. */
export function say(text: TemplateStringsArray, ...parts: Part[]): Wording {
  const wording: Part[] = [];
  text.forEach((t, i) => {
    if (t !== '') wording.push(t);
    if (i < parts.length) wording.push(parts[i]);
  });
  return wording;
}

export function render(wording: Wording, names: Names): string {
  return wording
    .map((p) => {
      if (typeof p === 'string') return p;
      if ('hint' in p) return names.hint(p);
      return p.value === undefined ? names.setting(p.setting) : names.value(p.setting, p.value);
    })
    .join('');
}

/**
 * Settings by their keys, for an error's `message` (what a log line or a test sees when no
 * front end words it). Each front end has its own table: src/action/names.ts, src/cli/names.ts.
 */
export const KEY_NAMES: Names = {
  setting: (key) => `input "${key}"`,
  value: (key, value) => `${key}: ${value}`,
  hint: (h) => {
    switch (h.hint) {
      case 'lowercase-repository':
        return '(lowercase it first)';
      case 'plain-http':
        return 'list it in insecure-registries';
      case 'index-annotations':
        return 'Give annotations without a level prefix, or with index:, to set them on the index.';
    }
  },
};

/** An error whose message holds references: `describeError` words them for a front end. */
interface Worded {
  wording?: Wording;
}

/** Gives `err` a wording; its `message` becomes the wording with settings named by key. */
export function worded<E extends Error>(err: E, wording: Wording): E {
  (err as E & Worded).wording = wording;
  err.message = render(wording, KEY_NAMES);
  return err;
}

/** The wording of an error: its own, or its message as plain text. */
export function wordingOf(err: unknown): Wording {
  const w = (err as Worded | undefined)?.wording;
  if (w !== undefined) return w;
  return [err instanceof Error ? err.message : String(err)];
}

/** Adds text (or references) to the end of an error's message, its wording included. */
export function appendWording(err: Error, ...parts: Part[]): void {
  worded(err, [...wordingOf(err), ...parts]);
}

/** The message of an error as a front end says it. */
export function describeError(err: unknown, names: Names): string {
  return render(wordingOf(err), names);
}

/** A problem with what the user wrote; always names the setting. Raised before any I/O. */
export class InputError extends Error {
  /** What is wrong, without the setting's name (a front end names it its own way). */
  readonly detail: string;

  constructor(
    readonly input: Setting,
    detail: string | Wording,
  ) {
    super('');
    this.name = 'InputError';
    const words = typeof detail === 'string' ? [detail] : detail;
    this.detail = render(words, KEY_NAMES);
    worded(this, [setting(input), ': ', ...words]);
  }
}

/** A problem with what a source or registry holds (wrong kind of manifest, duplicate platform…). */
export class ContentError extends Error {
  override name = 'ContentError';

  constructor(message: string | Wording, options?: ErrorOptions) {
    super(typeof message === 'string' ? message : '', options);
    if (typeof message !== 'string') worded(this, message);
  }
}
