import { InputError, type Part, type Wording, wordingOf } from '../errors';
import { type Digest, isDigest } from '../oci/digest';
import { DOCKER_HUB, namesTagOrDigest, Reference } from '../oci/reference';

/**
 * Bake metadata files (`docker buildx bake --metadata-file`) read as the images of a batch, so a
 * bake pipeline of several targets × platforms needs no jq between bake and the merge. A file
 * is a JSON object keyed by target name; an image target holds `containerimage.digest` (the
 * manifest or index pushed), `containerimage.descriptor` (its descriptor) and `image.name` (the
 * names it was pushed under, comma-separated, as given). Other top-level keys
 * (`buildx.build.warnings`) are bake's notes, and a target without an image output (only
 * `buildx.build.ref`: cacheonly, local, tar) pushed no image.
 *
 * Pushed by digest (`push-by-digest=true`), `image.name` can only hold repositories: BuildKit
 * refuses a tagged name there. So the tags do not come from the metadata: the `tags` input is
 * read as rules (`bakeTagRules`) saying which tags each target's image gets.
 * Pure: the front end reads the files.
 */

/** One image of a batch as text, as an entry of the `images` input gives it. */
export interface ImageEntryText {
  readonly sources: readonly string[];
  readonly tags: readonly string[];
}

/** The image one bake target built, from every metadata file that holds the target. */
export interface BakeImage extends ImageEntryText {
  readonly target: string;
}

export interface BakeMetadataFile {
  /** As the user named it (or a glob matched it): errors name it. */
  readonly path: string;
  readonly text: string;
}

export interface BakeMetadataOptions {
  /** The `tags` input, one rule per item (`bakeTagRules`). */
  readonly tags: readonly string[];
  /** Hears of each target left out because it pushed no image (the front end logs it). */
  readonly notice?: (message: string) => void;
}

/** Bake's own rule for target names (buildx `validTargetNameChars`); other top-level keys are bake's notes. */
const TARGET_NAME = /^[A-Za-z0-9_-]+$/;
/** A tag name alone, as the reference grammar allows it. */
const TAG_NAME = /^[\w][\w.-]{0,127}$/;

const KEYS = {
  digest: 'containerimage.digest',
  descriptor: 'containerimage.descriptor',
  name: 'image.name',
} as const;

interface TargetBuild {
  /** Where the target's image was pushed: `image.name`'s repositories, normalised, in its order. */
  readonly repositories: readonly string[];
  /** The first file that held the target. */
  readonly path: string;
  readonly digests: Digest[];
}

/**
 * The images bake pushed, one per image target (sorted by name). Each has that target's digest
 * from every file that holds the target (files in path order; a file without the target, a
 * platform not built for it, is fine) and the tags the rules give it. Every problem is collected
 * and thrown at once: those of the files first (an `InputError` naming `bake-metadata`), then
 * those of the tags (naming `tags`).
 */
export function imagesFromBakeMetadata(files: readonly BakeMetadataFile[], options: BakeMetadataOptions): BakeImage[] {
  if (files.length === 0) throw new InputError('bake-metadata', 'no metadata file was given');
  const problems: Wording[] = [];
  const targets = new Map<string, TargetBuild>();
  // Path order: the same files give the same index however a glob or a download listed them.
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of sorted) {
    for (const build of readFile(file, problems, options.notice)) {
      const seen = targets.get(build.target);
      if (seen === undefined) {
        targets.set(build.target, { repositories: build.repositories, path: file.path, digests: [build.digest] });
      } else if ([...seen.repositories].sort().join() !== [...build.repositories].sort().join()) {
        problems.push([
          `target "${build.target}" was pushed to ${build.repositories.join(', ')} in ${file.path} but to ` +
            `${seen.repositories.join(', ')} in ${seen.path}: every file must name a target's repositories alike`,
        ]);
      } else if (!seen.digests.includes(build.digest)) {
        seen.digests.push(build.digest);
      }
    }
  }
  if (problems.length === 0 && targets.size === 0) {
    problems.push([`no target in ${sorted.map((f) => f.path).join(', ')} pushed an image (none has ${KEYS.digest})`]);
  }
  if (problems.length > 0) throw new InputError('bake-metadata', list(problems));

  const rules = bakeTagRules(options.tags);
  const images = [...targets.keys()].sort().map((target): BakeImage => {
    const build = targets.get(target) as TargetBuild;
    const from = hubLast(build.repositories)[0];
    return {
      target,
      sources: build.digests.map((d) => `${from}@${d}`),
      tags: hubLast(tagsFor(target, build.repositories, rules)),
    };
  });
  checkTags(images, targets, rules);
  return images;
}

interface ReadBuild {
  readonly target: string;
  readonly repositories: readonly string[];
  readonly digest: Digest;
}

function readFile(file: BakeMetadataFile, problems: Wording[], notice?: (message: string) => void): ReadBuild[] {
  const expected = 'expected the file docker buildx bake --metadata-file writes, one object per target';
  let json: unknown;
  try {
    json = JSON.parse(file.text);
  } catch (err) {
    problems.push([`${file.path} is not JSON (${(err as Error).message}); ${expected}`]);
    return [];
  }
  if (!isObject(json)) {
    problems.push([`${file.path} is not a JSON object; ${expected}`]);
    return [];
  }
  if (KEYS.digest in json) {
    problems.push([`${file.path} holds one docker buildx build's metadata (${KEYS.digest} at the top); ${expected}`]);
    return [];
  }
  const builds: ReadBuild[] = [];
  for (const [target, value] of Object.entries(json)) {
    if (!TARGET_NAME.test(target)) continue;
    const where = `${file.path}, target "${target}": `;
    if (!isObject(value)) {
      problems.push([`${where}expected an object of build results, found ${JSON.stringify(value)}`]);
      continue;
    }
    const build = readTarget(value);
    if (build === 'no image') notice?.(`${where}no image was pushed (no ${KEYS.digest}); left out`);
    else if ('problem' in build) problems.push([where, ...build.problem]);
    else builds.push({ target, ...build });
  }
  return builds;
}

type TargetRead = { repositories: string[]; digest: Digest } | { problem: Wording } | 'no image';

function readTarget(value: Record<string, unknown>): TargetRead {
  const digest = value[KEYS.digest];
  const descriptor = value[KEYS.descriptor];
  const name = value[KEYS.name];
  if (digest === undefined && descriptor === undefined && name === undefined) return 'no image';
  const problem = (...parts: Part[]) => ({ problem: parts });
  if (digest === undefined) return problem(`has no ${KEYS.digest}: was its image pushed (an image output, push=true)?`);
  if (typeof digest !== 'string' || !isDigest(digest)) {
    return problem(`${KEYS.digest} ${JSON.stringify(digest)} is not a digest (sha256:<64 hex>)`);
  }
  const described = isObject(descriptor) ? descriptor.digest : undefined;
  if (described !== undefined && described !== digest) {
    return problem(`${KEYS.descriptor} names ${JSON.stringify(described)} but ${KEYS.digest} ${digest}`);
  }
  if (typeof name !== 'string' || name.trim() === '') {
    return problem(
      `has no ${KEYS.name}, so nothing says which repository ${digest} was pushed to: give the target its ` +
        `repository as a tag (tags = ["user/app"]) or as its output's name ("name=user/app")`,
    );
  }
  const repositories: string[] = [];
  for (const item of name.split(',')) {
    if (item.trim() === '') continue;
    try {
      const repository = Reference.parse(item).name;
      if (!repositories.includes(repository)) repositories.push(repository);
    } catch (err) {
      return problem(`${KEYS.name} holds "${item.trim()}": `, ...wordingOf(err));
    }
  }
  return { repositories, digest };
}

/**
 * Names outside Docker Hub first, in their order, then Hub's: Hub counts every manifest GET
 * against its pull limit, and an image pushed under several names is in each. So a target's
 * sources are read from its first repository not on Hub, and its first tag, where an append
 * reads its base, is not on Hub when another is given.
 */
function hubLast(names: readonly string[]): string[] {
  const onHub = (name: string) => name.startsWith(`${DOCKER_HUB}/`);
  return [...names.filter((n) => !onHub(n)), ...names.filter(onHub)];
}

/** One item of the `tags` input, as it applies to bake targets. */
export interface BakeTagRule {
  /** The item as written. */
  readonly item: string;
  /** `app=…`: for that target only. */
  readonly target?: string;
  /** `user/app:1.2`: a whole reference. Without one, `tag` goes into every repository of the target. */
  readonly reference?: Reference;
  readonly tag: string;
}

/**
 * Reads the `tags` input as rules for bake targets. An item is
 * - a tag name (`1.2.3`, `latest`): written in every repository each target was pushed to;
 * - a reference (`user/app:1.2.3`, as docker/metadata-action's `tags` output lists them):
 *   written for the targets pushed to that repository;
 * - either, after a target name and `=` (`app-debug=1.2.3-debug`, `app=ghcr.io/o/app:1`): for
 *   that target only; a reference there may name any repository (the merge copies to it).
 * An item with `/`, `:` or `@` in it is a reference; one without is a tag name.
 */
export function bakeTagRules(items: readonly string[]): BakeTagRule[] {
  const problems: Wording[] = [];
  const rules: BakeTagRule[] = [];
  for (const raw of items) {
    const item = raw.trim();
    if (item === '') continue;
    const prefixed = /^([A-Za-z0-9_-]+)=(.*)$/.exec(item);
    const target = prefixed?.[1];
    const rest = (prefixed?.[2] ?? item).trim();
    if (!/[/:@]/.test(rest)) {
      if (TAG_NAME.test(rest)) rules.push({ item, target, tag: rest });
      else problems.push([`"${item}": "${rest}" is neither a tag name (letters, digits, "_", "." or "-") nor a reference`]);
      continue;
    }
    let reference: Reference;
    try {
      reference = Reference.parse(rest);
    } catch (err) {
      problems.push([`"${item}": `, ...wordingOf(err)]);
      continue;
    }
    if (reference.digest !== undefined || !namesTagOrDigest(rest)) {
      problems.push([`"${item}" names no tag: write the tag the image gets (${reference.name}:1.2.3)`]);
      continue;
    }
    rules.push({ item, target, reference, tag: reference.tag as string });
  }
  if (problems.length > 0) throw new InputError('tags', list(problems));
  if (rules.length === 0) {
    throw new InputError(
      'tags',
      'bake images need tags: tag names (1.2.3) for every repository a target was pushed to, or references (user/app:1.2.3)',
    );
  }
  return rules;
}

function tagsFor(target: string, repositories: readonly string[], rules: readonly BakeTagRule[]): string[] {
  const tags: string[] = [];
  const add = (tag: string) => {
    if (!tags.includes(tag)) tags.push(tag);
  };
  for (const rule of rules) {
    if (rule.target !== undefined && rule.target !== target) continue;
    if (rule.reference === undefined) repositories.forEach((r) => add(`${r}:${rule.tag}`));
    else if (rule.target !== undefined || repositories.includes(rule.reference.name)) add(rule.reference.toString());
  }
  return tags;
}

/** Every rule applies somewhere, every image gets a tag, and no tag is claimed by two targets. */
function checkTags(images: readonly BakeImage[], targets: ReadonlyMap<string, TargetBuild>, rules: readonly BakeTagRule[]): void {
  const problems: Wording[] = [];
  const pushedTo = [...targets].map(([t, b]) => `${t} → ${b.repositories.join(', ')}`).join('; ');
  for (const rule of rules) {
    if (rule.target !== undefined && !targets.has(rule.target)) {
      problems.push([`"${rule.item}" is for target "${rule.target}", which no metadata file holds (${pushedTo})`]);
    } else if (
      rule.target === undefined &&
      rule.reference !== undefined &&
      ![...targets.values()].some((b) => b.repositories.includes((rule.reference as Reference).name))
    ) {
      problems.push([
        `"${rule.item}": no bake target was pushed to ${rule.reference.name} (${pushedTo}); ` +
          `to tag a target there, prefix the tag with its name (<target>=${rule.item})`,
      ]);
    }
  }
  const owner = new Map<string, string>();
  for (const image of images) {
    if (image.tags.length === 0) {
      problems.push([
        `no tag is for target "${image.target}" (pushed to ${targets.get(image.target)?.repositories.join(', ')}): ` +
          `give a tag name, a reference in its repository, or ${image.target}=<tag>`,
      ]);
    }
    for (const tag of image.tags) {
      const other = owner.get(tag);
      if (other === undefined) owner.set(tag, image.target);
      else {
        problems.push([
          `${tag} would be written for target "${other}" and for target "${image.target}": ` +
            `give each target its own tags with its name in front (${image.target}=<tag>)`,
        ]);
      }
    }
  }
  if (problems.length > 0) throw new InputError('tags', list(problems));
}

/** One problem as it is; several as a list, one per line. */
function list(problems: readonly Wording[]): Wording {
  return problems.length === 1 ? problems[0] : problems.flatMap((p) => ['\n- ', ...p]);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
