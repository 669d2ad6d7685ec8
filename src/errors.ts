/** A problem with what the user wrote; always names the input. Raised before any I/O. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    /** What is wrong, without the input's name (a front end names it its own way: a flag). */
    readonly detail: string,
  ) {
    super(`input "${input}": ${detail}`);
    this.name = 'InputError';
  }
}

/** A problem with what a source or registry holds (wrong kind of manifest, duplicate platform…). */
export class ContentError extends Error {
  override name = 'ContentError';
}
