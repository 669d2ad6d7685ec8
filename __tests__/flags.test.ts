import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { INPUT_FLAGS, nearestFlag, parseCommandLine, UsageError } from '../src/cli/flags';
import { CLI_NAMES } from '../src/cli/names';

const actionYml = readFileSync(path.join(__dirname, '..', 'action.yml'), 'utf8');
const inputNames = [...actionYml.slice(0, actionYml.indexOf('\noutputs:')).matchAll(/^ {2}([a-z-]+):$/gm)].map((m) => m[1]);

describe('the flag table', () => {
  it('has a flag for every input of action.yml but github-token (an Actions token), and no other', () => {
    expect(inputNames.length).toBeGreaterThan(8);
    expect(INPUT_FLAGS.map((f) => f.input).sort()).toEqual(inputNames.filter((n) => n !== 'github-token').sort());
  });

  it('names inputs by their flag in messages', () => {
    expect(CLI_NAMES.setting('sources')).toBe('--source');
    expect(CLI_NAMES.setting('insecure-registries')).toBe('--insecure-registry');
    expect(CLI_NAMES.value('media-type', 'oci')).toBe('--media-type oci');
    expect(CLI_NAMES.setting('github-token')).toBe('--username with --password-stdin');
  });
});

describe('parseCommandLine', () => {
  it('gives repeated flags to the input one per line, switches as true, and nothing for the rest', () => {
    const cl = parseCommandLine([
      '--source',
      'r.io/a:1',
      '--source=r.io/b:1',
      '--tag',
      'r.io/c:1',
      '--platform',
      'linux/amd64,linux/arm64',
      '--platform',
      'linux/s390x',
      '--annotation',
      'k=a, b',
      '--dry-run',
      '--media-type',
      'docker',
      '--outage-timeout',
      '300',
    ]);
    expect(cl.read('sources')).toBe('r.io/a:1\nr.io/b:1');
    expect(cl.read('tags')).toBe('r.io/c:1');
    expect(cl.read('platforms')).toBe('linux/amd64,linux/arm64\nlinux/s390x');
    expect(cl.read('annotations')).toBe('k=a, b');
    expect(cl.read('dry-run')).toBe('true');
    expect(cl.read('media-type')).toBe('docker');
    expect(cl.read('outage-timeout')).toBe('300');
    expect(cl.read('attestations')).toBe('');
    expect(cl.read('github-token')).toBe('');
    expect(cl).toMatchObject({ json: false, verbose: false, help: false, version: false, passwordStdin: false });
    expect(cl.username).toBeUndefined();
  });

  it('takes the tool flags', () => {
    const cl = parseCommandLine(['--json', '--verbose', '--username', 'gitlab-ci-token', '--password-stdin']);
    expect(cl).toMatchObject({ json: true, verbose: true, username: 'gitlab-ci-token', passwordStdin: true });
    expect(parseCommandLine(['--help']).help).toBe(true);
    expect(parseCommandLine(['-h']).help).toBe(true);
    expect(parseCommandLine(['--version']).version).toBe(true);
  });

  it.each<[string[], RegExp]>([
    [['--nope'], /^unknown flag --nope$/],
    [['-x'], /^unknown flag -x$/],
    [['--sources', 'r.io/a:1'], /^unknown flag --sources; did you mean --source\?$/],
    [['--source', 'r.io/a:1', '--tga=r.io/b:1'], /^unknown flag --tga; did you mean --tag\?$/],
    [['--insecure-registries', 'r.io'], /did you mean --insecure-registry\?$/],
    [['--dryrun'], /did you mean --dry-run\?$/],
    [['positional'], /Unexpected argument 'positional'/],
    [['--tag'], /--tag/],
    [['--dry-run=false'], /--dry-run/],
    [['--attestations', 'keep', '--attestations', 'strip'], /--attestations is given 2 times/],
    [['--source', ' '], /--source needs a value/],
    [['--password-stdin'], /--password-stdin needs --username/],
    [['--username', 'u'], /--username needs --password-stdin/],
    [['--username', '', '--password-stdin'], /--username needs a value/],
  ])('refuses %j as bad usage', (argv, message) => {
    expect(() => parseCommandLine(argv)).toThrow(UsageError);
    expect(() => parseCommandLine(argv)).toThrow(message);
  });
});

describe('nearestFlag', () => {
  it('gives the flag of an input named as in action.yml, else the nearest flag within a typo, else nothing', () => {
    expect(nearestFlag('sources')).toBe('source');
    expect(nearestFlag('platforms')).toBe('platform');
    expect(nearestFlag('annotations')).toBe('annotation');
    expect(nearestFlag('mediatype')).toBe('media-type');
    expect(nearestFlag('jsno')).toBe('json');
    expect(nearestFlag('verbos')).toBe('verbose');
    expect(nearestFlag('force')).toBeUndefined();
    expect(nearestFlag('registry-password')).toBeUndefined();
  });
});
