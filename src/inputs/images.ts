import { InputError, say, type Setting, setting } from '../errors';
import { type Inputs, type InputReader, getInputs } from './context';
import { type BakeMetadataFile, imagesFromBakeMetadata } from './bake';
import { splitLines, splitList } from './lists';
import { loadYaml } from './yamlLoader';

/** The keys an entry of `images` may hold: what a single merge has per image. */
export const IMAGE_KEYS = ['sources', 'tags', 'platforms', 'annotations', 'append'] as const;
type ImageKey = (typeof IMAGE_KEYS)[number];

/** Tags that move from release to release; written after every other tag of the batch (design rule 21). */
export const DEFAULT_FLOATING_TAGS = ['latest'] as const;

/**
 * Which tags float: the tag part of a target (never its repository), matched against the
 * `floating-tags` patterns (`*` any run of characters, `?` one).
 */
export class FloatingTags {
  private readonly patterns: readonly RegExp[];

  constructor(readonly globs: readonly string[]) {
    this.patterns = globs.map((g) => new RegExp(`^${g.replace(/\./g, '\\.').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
  }

  floats(tag: string | undefined): boolean {
    return tag !== undefined && this.patterns.some((p) => p.test(tag));
  }
}

/** The run: one or more images, merged all or nothing (design rule 20). */
export interface Batch {
  /** In the order given; a single merge is a batch of one. */
  readonly images: readonly Inputs[];
  readonly floating: FloatingTags;
  /** What reading the inputs found worth saying (bake targets that pushed no image), for the log. */
  readonly notices: readonly string[];
}

/** The front end's way to read the bake metadata files `bake-metadata` names (local files). */
export type ReadBakeFiles = (items: readonly string[]) => Promise<BakeMetadataFile[]>;

const TAG_GLOB = /^[\w*?][\w.*?-]{0,127}$/;

function floatingTags(value: string): FloatingTags {
  const items = splitList(value);
  if (items.length === 0) return new FloatingTags(DEFAULT_FLOATING_TAGS);
  if (items.length === 1 && items[0].toLowerCase() === 'none') return new FloatingTags([]);
  for (const item of items) {
    if (!TAG_GLOB.test(item)) {
      throw new InputError(
        'floating-tags',
        `"${item}" is not a tag or tag pattern (letters, digits, "_", ".", "-", "*", "?"; no repository), or "none"`,
      );
    }
  }
  return new FloatingTags(items);
}

/** An entry's value as the single merge's parser reads it: a list becomes one item per line. */
function entryValue(key: ImageKey, value: unknown, where: string): string {
  const fail = (expected: string): never => {
    throw new InputError('images', `${where}: "${key}" must be ${expected}`);
  };
  if (key === 'append') {
    if (typeof value === 'boolean') return String(value);
    if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim();
    return fail('true or false');
  }
  if (typeof value === 'string') return value;
  if (key === 'annotations' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => {
        if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
          fail('a list of key=value, or a map of strings');
        return `${k}=${String(v)}`;
      })
      .join('\n');
  }
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join('\n');
  return fail(key === 'annotations' ? 'a list of key=value, or a map of strings' : 'a list of strings, or a string');
}

/** How an entry is named in errors: its number and, when it has one, its first tag. */
function entryName(index: number, entry: Record<string, unknown>): string {
  const tags = entry.tags;
  const first = typeof tags === 'string' ? splitList(tags)[0] : Array.isArray(tags) ? tags[0] : undefined;
  return typeof first === 'string' && first.trim() !== '' ? `entry ${index + 1} (${first.trim()})` : `entry ${index + 1}`;
}

/** Parses the `images` input: YAML or JSON, a list of entries, each a single merge's keys. */
export async function parseImages(text: string): Promise<Array<Record<string, unknown>>> {
  const { parse } = await loadYaml();
  let doc: unknown;
  try {
    doc = parse(text, { prettyErrors: false, uniqueKeys: true });
  } catch (err) {
    throw new InputError('images', `is not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  if (!Array.isArray(doc)) {
    throw new InputError('images', 'must be a list of entries, each with "sources" and "tags" (YAML or JSON)');
  }
  if (doc.length === 0) throw new InputError('images', 'lists no image');
  return doc.map((entry: unknown, i) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
      throw new InputError('images', `entry ${i + 1} is not a map with "sources" and "tags"`);
    }
    const record = entry as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!(IMAGE_KEYS as readonly string[]).includes(key)) {
        throw new InputError(
          'images',
          `${entryName(i, record)}: unknown key "${key}"; an entry may have ${IMAGE_KEYS.join(', ')}`,
        );
      }
    }
    for (const key of ['sources', 'tags'] as const) {
      if (record[key] === undefined) throw new InputError('images', `${entryName(i, record)}: "${key}" is required`);
    }
    return record;
  });
}

/**
 * Every input, parsed: the images of the batch, each a single merge's Inputs. Without `images`
 * or `bake-metadata`, the top-level `sources` and `tags` are the one image, as always. With
 * `images`, each entry is an image and the other top-level inputs are the defaults of every
 * entry. With `bake-metadata`, each bake target is an image, and `tags` says which tags each
 * gets (src/inputs/bake.ts); the front end reads the files (`readBakeFiles`).
 */
export async function getBatch(read: InputReader, readBakeFiles?: ReadBakeFiles): Promise<Batch> {
  const floating = floatingTags(read('floating-tags'));
  const text = read('images');
  const bake = splitLines(read('bake-metadata'));
  const notices: string[] = [];
  if (text.trim() === '' && bake.length === 0) return { images: [getInputs(read)], floating, notices };
  let entries: Array<Record<string, unknown>>;
  const input: Setting = bake.length > 0 ? 'bake-metadata' : 'images';
  if (bake.length > 0) {
    if (text.trim() !== '') throw new InputError('bake-metadata', say`cannot be given with ${setting('images')}`);
    if (read('sources').trim() !== '') {
      throw new InputError(
        'sources',
        say`cannot be given with ${setting('bake-metadata')}: the sources are the digests bake pushed`,
      );
    }
    if (!readBakeFiles) throw new InputError('bake-metadata', 'cannot be read here');
    // `tags` is read as rules for the bake targets; each image gets its own tags from them.
    const images = imagesFromBakeMetadata(await readBakeFiles(bake), {
      tags: splitList(read('tags')),
      notice: (message) => notices.push(message),
    });
    entries = images.map((i) => ({ sources: [...i.sources], tags: [...i.tags] }));
  } else {
    for (const key of ['sources', 'tags'] as const) {
      if (read(key).trim() !== '') {
        throw new InputError(
          key,
          say`cannot be given with ${setting('images')}: give each image its sources and tags in its entry`,
        );
      }
    }
    entries = await parseImages(text);
  }
  const images = entries.map((entry, i) => {
    const where = entryName(i, entry);
    const values = new Map<string, string>();
    for (const key of IMAGE_KEYS) if (entry[key] !== undefined) values.set(key, entryValue(key, entry[key], where));
    try {
      return getInputs((name) => values.get(name) ?? read(name));
    } catch (err) {
      // A default from the top level is the top-level input's mistake; an entry's own is the entry's.
      if (err instanceof InputError && values.has(err.input)) {
        throw new InputError(input, `${where}: ${err.input}: ${err.detail}`);
      }
      throw err;
    }
  });
  const owner = new Map<string, number>();
  images.forEach((image, i) => {
    for (const t of image.targets) {
      const earlier = owner.get(t.toString());
      if (earlier !== undefined) {
        throw new InputError(
          input,
          `${entryName(i, entries[i])}: the tag ${t} is also a tag of entry ${earlier + 1}; a tag names one image`,
        );
      }
      owner.set(t.toString(), i);
    }
  });
  return { images, floating, notices };
}

/** Every registry and repository of the batch, for the connections opened at start-up. */
export function batchRepositories(batch: Batch): {
  sources: Inputs['sources'];
  targets: Inputs['targets'];
  insecureRegistries: Inputs['insecureRegistries'];
} {
  return {
    sources: batch.images.flatMap((i) => i.sources),
    targets: batch.images.flatMap((i) => i.targets),
    insecureRegistries: batch.images[0].insecureRegistries,
  };
}
