import { InputError } from '../src/errors';
import { getInputs } from '../src/inputs/context';
import { isPattern } from '../src/oci/tagPattern';

const D = `sha256:${'b'.repeat(64)}`;
const reader = (values: Record<string, string>) => (name: string) => values[name] ?? '';
const base = { sources: 'r.io/a/amd64:1\nr.io/a/arm64:1', tags: 'r.io/a/app:1, r.io/a/app:latest' };

describe('getInputs', () => {
  it('parses the defaults', () => {
    const inputs = getInputs(reader(base));
    expect(inputs.sources.map(String)).toEqual(['r.io/a/amd64:1', 'r.io/a/arm64:1']);
    expect(inputs.targets.map(String)).toEqual(['r.io/a/app:1', 'r.io/a/app:latest']);
    expect(inputs).toMatchObject({
      attestations: 'strip',
      referrers: 'copy',
      mediaType: 'oci',
      dryRun: false,
      platforms: undefined,
      annotations: {},
    });
    expect(inputs.githubToken).toBeUndefined();
  });

  it('parses every option', () => {
    const inputs = getInputs(
      reader({
        ...base,
        attestations: 'KEEP',
        referrers: ' Skip ',
        platforms: 'linux/amd64, linux/arm64/v8',
        annotations: 'index:a=b\nmanifest:c=d',
        'media-type': 'auto',
        'dry-run': 'True',
        'github-token': ' ghs_x ',
        'insecure-registries': 'http://Reg.Local:5000/, 10.0.0.1',
      }),
    );
    expect(inputs).toMatchObject({
      attestations: 'keep',
      referrers: 'skip',
      mediaType: 'auto',
      dryRun: true,
      annotations: { a: 'b' },
      githubToken: 'ghs_x',
    });
    expect(inputs.skippedAnnotations).toEqual(['manifest:c=d']);
    expect(getInputs(reader({ ...base, attestations: ' Referrers ' })).attestations).toBe('referrers');
    expect(inputs.platforms).toEqual([
      { os: 'linux', architecture: 'amd64' },
      { os: 'linux', architecture: 'arm64', variant: 'v8' },
    ]);
    expect([...inputs.insecureRegistries]).toEqual(['reg.local:5000', '10.0.0.1']);
  });

  it('keeps tag patterns among the sources, in input order', () => {
    const inputs = getInputs(reader({ ...base, sources: 'r.io/a/b:1-*\nr.io/a/c:2\nr.io/a/d:v?', append: 'true' }));
    expect(inputs.sources.map(String)).toEqual(['r.io/a/b:1-*', 'r.io/a/c:2', 'r.io/a/d:v?']);
    expect(inputs.sources.map(isPattern)).toEqual([true, false, true]);
    expect(inputs.append).toBe(true);
    expect(getInputs(reader(base)).append).toBe(false);
  });

  it('reads outage-timeout in seconds (default 60), with or without an "s"', () => {
    expect(getInputs(reader(base)).outageTimeoutMs).toBe(60_000);
    expect(getInputs(reader({ ...base, 'outage-timeout': '300' })).outageTimeoutMs).toBe(300_000);
    expect(getInputs(reader({ ...base, 'outage-timeout': ' 90s ' })).outageTimeoutMs).toBe(90_000);
  });

  // Each bad input names the input it came from; getInputs does no I/O at all.
  it.each([
    ['sources', { sources: '' }, /at least one/],
    ['sources', { sources: ' ,\n ' }, /at least one/],
    ['sources', { sources: 'r.io/a/b:1\nr.io/a/b:1' }, /listed twice/],
    ['sources', { sources: 'r.io/A/b:1' }, /lowercase; use "r.io\/a\/b:1"/],
    ['sources', { sources: 'r.io/a/b:' }, /invalid tag/],
    ['sources', { sources: 'r.io/a/b@sha256:xyz' }, /invalid digest/],
    ['sources', { sources: 'r.io/a/b c' }, /white space/],
    ['sources', { sources: 'r.io//b' }, /invalid repository/],
    ['tags', { tags: '' }, /at least one/],
    ['tags', { tags: `r.io/a/app@${D}` }, /has a digest/],
    ['tags', { tags: `r.io/a/app:1@${D}` }, /has a digest/],
    ['tags', { tags: 'r.io/a/app:1,r.io/a/app:1' }, /listed twice/],
    ['tags', { tags: 'ghcr.io/Owner/Repo:1' }, /use "ghcr.io\/owner\/repo:1"/],
    ['tags', { tags: 'r.io/a/app:.bad' }, /invalid tag/],
    ['attestations', { attestations: 'drop' }, /"drop" is not one of strip, keep, referrers/],
    ['referrers', { referrers: 'none' }, /"none" is not one of copy, skip/],
    ['platforms', { platforms: 'linux' }, /not a platform/],
    ['platforms', { platforms: 'linux/amd64/v2/x' }, /not a platform/],
    ['platforms', { platforms: 'linux/arm64,linux/arm64/v8' }, /already listed/],
    ['platforms', { platforms: 'Linux/AMD64' }, /not a platform/],
    ['annotations', { annotations: 'novalue' }, /not key=value/],
    ['annotations', { annotations: '=v' }, /empty key/],
    ['annotations', { annotations: 'a=1\na=2' }, /twice/],
    ['media-type', { 'media-type': 'oci-index' }, /not one of oci, docker, auto/],
    ['dry-run', { 'dry-run': 'yes' }, /not a boolean/],
    ['dry-run', { 'dry-run': '1' }, /not a boolean/],
    ['insecure-registries', { 'insecure-registries': 'bad host' }, /host\[:port\]/],
    ['insecure-registries', { 'insecure-registries': 'reg:port' }, /host\[:port\]/],
    ['sources', { sources: 'r.io/a-*/b:1' }, /only in the tag/],
    ['sources', { sources: `r.io/a/b:1-*@${D}` }, /cannot carry a digest/],
    ['sources', { sources: 'r.io/a/b:1-*\nr.io/a/b:1-*' }, /listed twice/],
    ['tags', { tags: 'r.io/a/app:1-*' }, /tag patterns .* are for sources only/],
    ['append', { append: 'yes' }, /not a boolean/],
    ['outage-timeout', { 'outage-timeout': '0' }, /not a whole number of seconds from 1 to 3600/],
    ['outage-timeout', { 'outage-timeout': '1.5' }, /not a whole number of seconds/],
    ['outage-timeout', { 'outage-timeout': '3601' }, /from 1 to 3600/],
    ['outage-timeout', { 'outage-timeout': '1m' }, /not a whole number of seconds/],
  ])('refuses bad %s (%j)', (input, values, message) => {
    let error: unknown;
    try {
      getInputs(reader({ ...base, ...values }));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).input).toBe(input);
    expect((error as Error).message).toMatch(`input "${input}"`);
    expect((error as Error).message).toMatch(message);
  });
});
