import { INPUT_FLAGS, TOOL_FLAGS } from './flags';

/** Terminals are at least this wide: every line of the help fits. */
export const HELP_WIDTH = 80;
/** Where the flags' descriptions start; a longer flag puts its description on the next line. */
const DESCRIPTION_COLUMN = 26;

/** Words of `text` in lines of at most `width` characters (a longer word stands alone). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/** One flag: its name and placeholder, then its description, wrapped under the description column. */
function flagLines(flag: string, help: string): string[] {
  const indent = ' '.repeat(DESCRIPTION_COLUMN);
  const text = wrap(help, HELP_WIDTH - DESCRIPTION_COLUMN);
  const head = `  ${flag}`;
  if (head.length + 2 > DESCRIPTION_COLUMN) return [head, ...text.map((t) => indent + t)];
  return [head.padEnd(DESCRIPTION_COLUMN) + text[0], ...text.slice(1).map((t) => indent + t)];
}

/** An example: what it does, then the command's arguments, on one line if they fit, else one group a line. */
const EXAMPLES: ReadonlyArray<{ what: string; args: readonly string[] }> = [
  {
    what: 'Merge two per-arch images into one multi-arch image, under two tags:',
    args: [
      '--source ghcr.io/acme/app:1.4.2-amd64',
      '--source ghcr.io/acme/app:1.4.2-arm64',
      '--tag ghcr.io/acme/app:1.4.2 --tag ghcr.io/acme/app:latest',
    ],
  },
  {
    what: 'No merge job: each build job appends the image it pushed ($DIGEST) to the tag, all at once:',
    args: ['--append --source "ghcr.io/acme/app@$DIGEST"', '--tag ghcr.io/acme/app:1.4.2'],
  },
  {
    what: 'Dry run: every check, and what would be written; nothing is written:',
    args: ["--dry-run --source 'ghcr.io/acme/app-build:1234-*'", '--tag ghcr.io/acme/app:1.4.2'],
  },
  {
    what: "The result as one JSON object (the action's outputs), e.g. the digest:",
    args: ['--json --source ... --tag ... | jq -r .digest'],
  },
  {
    what: 'Several images, all or nothing (a YAML or JSON list of {sources, tags}); latest is written last:',
    args: ['--images release.yaml'],
  },
];

function exampleLines(command: string, what: string, args: readonly string[]): string[] {
  const oneLine = `    ${command} ${args.join(' ')}`;
  const lines =
    oneLine.length <= HELP_WIDTH
      ? [oneLine]
      : [`    ${command} \\`, ...args.map((a, i) => `      ${a}${i < args.length - 1 ? ' \\' : ''}`)];
  return [...wrap(what, HELP_WIDTH - 2).map((l) => `  ${l}`), ...lines, ''];
}

/** The --help text, generated from the flag tables; no line is wider than HELP_WIDTH. */
export function usage(command: string): string {
  const rows: Array<[string, string]> = [
    ...INPUT_FLAGS.map((f): [string, string] => [`--${f.flag}${f.placeholder ? ` ${f.placeholder}` : ''}`, f.help]),
    ...Object.entries(TOOL_FLAGS).map(([name, t]): [string, string] => [
      `${'short' in t ? `-${t.short}, ` : ''}--${name}${'placeholder' in t ? ` ${t.placeholder}` : ''}`,
      t.help,
    ]),
  ];
  const examples = EXAMPLES.flatMap(({ what, args }) => exampleLines(command, what, args));
  return [
    `Usage: ${command} --source REF... --tag REF... [options]`,
    `       ${command} --images FILE [options]`,
    `       ${command} --bake-metadata FILE... --tag TAG... [options]`,
    '',
    ...wrap(
      'Merges per-architecture container images into one multi-arch image, over the ' +
        'registry HTTP API (no Docker needed). Credentials: $DOCKER_CONFIG/config.json or ' +
        '~/.docker/config.json (and its credential helpers), $DOCKER_AUTH_CONFIG as GitLab sets ' +
        'it, or --username with --password-stdin for the registries of the targets.',
      HELP_WIDTH,
    ),
    '',
    'Options:',
    ...rows.flatMap(([f, h]) => flagLines(f, h)),
    '',
    'Examples:',
    ...examples,
    ...wrap('Logs go to stderr; stdout holds the image reference with its digest, or with --json one JSON object.', HELP_WIDTH),
    'Exit status: 0 merged, 1 the merge failed, 2 bad usage (no request sent).',
    '',
  ].join('\n');
}
