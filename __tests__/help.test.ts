import { INPUT_FLAGS } from '../src/cli/flags';
import { HELP_WIDTH, usage, wrap } from '../src/cli/help';

describe('usage (--help)', () => {
  it('lists every flag in --help', () => {
    const text = usage('tool');
    for (const f of INPUT_FLAGS) expect(text).toContain(`  --${f.flag}`);
    for (const f of ['--username USER', '--password-stdin', '--json', '--verbose', '-h, --help', '--version'])
      expect(text).toContain(f);
  });

  it('fits 80 columns, every line', () => {
    const wide = usage('merge-multiarch-action')
      .split('\n')
      .filter((l) => l.length > HELP_WIDTH);
    expect(HELP_WIDTH).toBe(80);
    expect(wide).toEqual([]);
  });

  it('has examples: a merge, an append without a merge job, a dry run, JSON', () => {
    const text = usage('merge-multiarch-action');
    const examples = text.slice(text.indexOf('\nExamples:\n'));
    expect(examples.length).toBeGreaterThan(20);
    expect(examples).toMatch(/merge-multiarch-action \\\n +--source \S+-amd64 \\\n +--source \S+-arm64 \\\n +--tag /);
    expect(examples).toMatch(/No merge job[\s\S]*--append --source "\S+@\$DIGEST"/);
    expect(examples).toMatch(/Dry run[\s\S]*--dry-run --source/);
    expect(examples).toMatch(/--json .*\| jq -r \.digest/);
    expect(text.indexOf('Examples:')).toBeGreaterThan(text.indexOf('Options:'));
  });
});

describe('wrap', () => {
  it('fills lines up to the width, a longer word alone', () => {
    expect(wrap('a bb ccc dddd', 6)).toEqual(['a bb', 'ccc', 'dddd']);
    expect(wrap('averyveryverylongword x', 6)).toEqual(['averyveryverylongword', 'x']);
    expect(wrap('  ', 10)).toEqual([]);
  });
});
