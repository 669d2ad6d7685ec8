/**
 * The small interfaces the lower layers (registry/, transfer/, publish/ …) need from whoever runs
 * them. They live here, below every layer that uses them, so that nothing low imports the flow:
 * the flow's Reporter extends them, and the flow passes its reporter in.
 */

/** Lines for the log; a low-level module takes only the ones it writes. */
export interface Log {
  info(message: string): void;
  /** Detail for diagnosing a run (every HTTP request); shown only when asked for. */
  debug(message: string): void;
}

/** A value that must never appear in any output (a password, a token): the front end masks it (design rule 15). */
export type MaskSecret = (value: string) => void;
