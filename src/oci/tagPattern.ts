import { Reference, ReferenceError } from './reference';

/** The glob characters a source's tag may hold: `*` any run of characters, `?` exactly one. */
const GLOB = /[*?]/;
/** A tag's grammar with the glob characters allowed anywhere (a pattern may start with `*`). */
const TAG_PATTERN = /^[\w*?][\w.*?-]{0,127}$/;

/** True when a written reference has a glob in it (then it must parse as a pattern, or fail as one). */
export function looksLikePattern(input: string): boolean {
  return GLOB.test(input);
}

/**
 * A source whose tag is a glob (`ghcr.io/acme/app-build:1234-*`): it stands for every matching
 * tag of one repository. Globs live only in the tag: never in the registry or repository name,
 * never beside a digest. Construct with `TagPattern.parse`.
 */
export class TagPattern {
  private readonly regex: RegExp;

  private constructor(
    /** The repository, as a reference (its tag is a placeholder; only registry and repository are used). */
    private readonly repo: Reference,
    /** The glob as written, e.g. `1234-*`. */
    readonly glob: string,
  ) {
    // Tags hold only [\w.-]: `.` is the one character to escape.
    const body = glob.replace(/\./g, '\\.').replace(/\*/g, '.*').replace(/\?/g, '.');
    this.regex = new RegExp(`^${body}$`);
  }

  static parse(input: string): TagPattern {
    const raw = input.trim();
    const at = raw.indexOf('@');
    if (at >= 0) {
      throw new ReferenceError(`"${raw}": a tag pattern cannot carry a digest (a digest names one manifest)`);
    }
    const lastSlash = raw.lastIndexOf('/');
    const colon = raw.lastIndexOf(':');
    if (colon <= lastSlash) {
      throw new ReferenceError(`"${raw}": "*" and "?" are allowed only in the tag, e.g. ghcr.io/acme/app-build:1234-*`);
    }
    const name = raw.slice(0, colon);
    const glob = raw.slice(colon + 1);
    if (GLOB.test(name)) {
      throw new ReferenceError(`"${raw}": "*" and "?" are allowed only in the tag, not in the repository name`);
    }
    if (!TAG_PATTERN.test(glob)) {
      throw new ReferenceError(
        `"${raw}" has an invalid tag pattern "${glob}": up to 128 letters, digits, "_", ".", "-", "*" or "?", not starting with "." or "-"`,
      );
    }
    // The repository part goes through the reference grammar (normalisation, lowercase rule).
    return new TagPattern(Reference.parse(`${name}:latest`), glob);
  }

  get registry(): string {
    return this.repo.registry;
  }

  get repository(): string {
    return this.repo.repository;
  }

  /** `registry/repository` */
  get name(): string {
    return this.repo.name;
  }

  matches(tag: string): boolean {
    return this.regex.test(tag);
  }

  /** The reference of one matching tag. */
  at(tag: string): Reference {
    return this.repo.withTag(tag);
  }

  toString(): string {
    return `${this.name}:${this.glob}`;
  }
}

/** A `sources` entry: one reference, or a pattern standing for several. */
export type Source = Reference | TagPattern;

export function isPattern(source: Source): source is TagPattern {
  return source instanceof TagPattern;
}
