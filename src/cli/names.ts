import type { Names, Setting } from '../errors';
import { INPUT_FLAGS } from './flags';

/** The flag a setting is given with (`--source` for "sources"). */
function flag(key: Setting): string {
  const f = INPUT_FLAGS.find((x) => x.input === key);
  // The one setting without a flag: the command line logs in with --username and --password-stdin.
  return f === undefined ? '--username with --password-stdin' : `--${f.flag}`;
}

/** How the command line names the flow's settings and words its advice: by flags and shell commands. */
export const CLI_NAMES: Names = {
  setting: flag,
  value: (key, value) => `${flag(key)} ${value}`,
  hint: (h) => {
    switch (h.hint) {
      case 'lowercase-repository':
        return `(lowercase it first, e.g. with tr '[:upper:]' '[:lower:]')`;
      case 'plain-http':
        return `pass --insecure-registry ${h.host}`;
      case 'index-annotations':
        return 'Give --annotation KEY=VALUE (or index:KEY=VALUE) to set an annotation on the index.';
    }
  },
};
