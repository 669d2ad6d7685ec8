/**
 * README.md stays true to the repository:
 * - its inputs/outputs reference is exactly what action.yml declares (generated from it here:
 *   a mismatch prints the block to paste);
 * - the two set-up commands at its very top are scripts package.json defines;
 * - every `uses:` line naming this action uses the one documented placeholder;
 * - the "Command line" section documents every flag of the tool and its exit statuses;
 * - its table of contents lists every "## " section, in order, with the anchor GitHub gives it;
 * - "Try the command line" shows the calls `npm run demo -- --keep` prints, and the tarball
 *   it names is the one `npm pack` writes; no URL names a release of a placeholder repository.
 *
 * action.yml is read with a small parser for the subset it uses (no YAML library in the
 * dependencies); anything outside that subset fails loudly rather than being misread.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { INPUT_FLAGS, TOOL_FLAGS } from '../src/cli/flags';
import { tryCommands } from '../scripts/demo';
import { ACTION_PLACEHOLDER, parseActionBlock } from './helpers/actionYml';

const ROOT = path.join(__dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

const REFERENCE_START = '<!-- reference:start (generated from action.yml; __tests__/readme.test.ts checks it) -->';
const REFERENCE_END = '<!-- reference:end -->';

/** A table cell: pipes escaped, and `<`, `>`, `&` as entities so `<registry>` is not taken for HTML. */
const cell = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/\s*\n\s*/g, ' ');
const code = (text: string) => (text.includes('`') ? `\`\` ${text} \`\`` : `\`${text}\``);

/** The reference section as the README must hold it. */
export function referenceMarkdown(actionYml: string): string {
  const inputs = parseActionBlock(actionYml, 'inputs');
  const outputs = parseActionBlock(actionYml, 'outputs');
  const lines = [
    REFERENCE_START,
    '',
    '### Inputs',
    '',
    '| Input | Required | Default | Description |',
    '| --- | --- | --- | --- |',
  ];
  for (const { name, props } of inputs) {
    const required = props.required === 'true' ? 'yes' : 'no';
    const def = props.default === undefined ? '' : props.default === '' ? '`""` (empty)' : code(props.default);
    lines.push(`| ${code(name)} | ${required} | ${def} | ${cell(props.description ?? '')} |`);
  }
  lines.push('', '### Outputs', '', '| Output | Description |', '| --- | --- |');
  for (const { name, props } of outputs) lines.push(`| ${code(name)} | ${cell(props.description ?? '')} |`);
  lines.push('', REFERENCE_END);
  return lines.join('\n');
}

/** Where two texts first part, line by line, for a readable failure. */
function firstDifference(expected: string, actual: string): string {
  const e = expected.split('\n');
  const a = actual.split('\n');
  for (let i = 0; i < Math.max(e.length, a.length); i++) {
    if (e[i] !== a[i]) {
      return `first difference at line ${i + 1} of the section:\n  README:   ${JSON.stringify(a[i] ?? '(missing)')}\n  expected: ${JSON.stringify(e[i] ?? '(nothing)')}`;
    }
  }
  return 'no difference';
}

describe('README.md', () => {
  const readme = read('README.md');
  const actionYml = read('action.yml');
  const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };

  it('has an inputs/outputs reference identical to action.yml', () => {
    const expected = referenceMarkdown(actionYml);
    const start = readme.indexOf(REFERENCE_START);
    const end = readme.indexOf(REFERENCE_END);
    if (start < 0 || end < start) {
      throw new Error(`README.md has no reference section between the markers; paste this block:\n\n${expected}\n`);
    }
    const actual = readme.slice(start, end + REFERENCE_END.length);
    if (actual !== expected) {
      throw new Error(
        `README.md's reference differs from action.yml; ${firstDifference(expected, actual)}\n\n` +
          `Replace the section with:\n\n${expected}\n`,
      );
    }
  });

  it('documents every input with its default and required flag, and every output', () => {
    // A guard on the parser itself: what it read is what action.yml plainly says.
    const inputs = parseActionBlock(actionYml, 'inputs');
    const outputs = parseActionBlock(actionYml, 'outputs');
    expect(inputs.map((i) => i.name)).toEqual(
      [...actionYml.matchAll(/^ {2}([a-z-]+):$/gm)].map((m) => m[1]).slice(0, inputs.length),
    );
    expect(inputs.length + outputs.length).toBe([...actionYml.matchAll(/^ {4}description:/gm)].length);
    for (const { name, props } of inputs) expect([name, props.required]).toEqual([name, expect.stringMatching(/^(true|false)$/)]);
    expect(inputs.find((i) => i.name === 'github-token')?.props.default).toBe('${{ github.token }}');
    const undocumented = [...inputs, ...outputs].map((e) => e.name).filter((name) => !readme.includes(`| \`${name}\` |`));
    expect(undocumented).toEqual([]);
  });

  it('opens with the two set-up commands package.json defines', () => {
    const top = readme.slice(0, readme.search(/^## /m));
    const block = /```(?:sh|bash|shell)?\n([\s\S]*?)```/.exec(top);
    if (!block) throw new Error('README.md must show the set-up commands in a code block before its first "## " section');
    const commands = block[1]
      .split('\n')
      .map((l) => l.replace(/\s+#.*$/, '').trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    expect(commands).toEqual(['npm ci && npm run demo', 'npm ci && npm test']);

    expect(pkg.scripts.demo).toBeDefined();
    expect(pkg.scripts.test).toBeDefined();
    // What the README says about them.
    expect(pkg.scripts.pretest).toMatch(/install-deps\.sh/);
    expect(pkg.scripts.pretest).toMatch(/npm run build/);
    expect(pkg.scripts.predemo).toMatch(/install-deps\.sh/);
    expect(read('package-lock.json').length).toBeGreaterThan(0); // npm ci needs it
  });

  it(`names the action ${ACTION_PLACEHOLDER} in every uses: line`, () => {
    const uses = [...readme.matchAll(/uses:\s*(\S*merge-multiarch-action\S*)/g)].map((m) => m[1]);
    expect(uses.length).toBeGreaterThan(0);
    expect(uses.filter((u) => u !== ACTION_PLACEHOLDER)).toEqual([]);
  });

  it('documents every flag of the command line, with its input, and the exit statuses', () => {
    const start = readme.indexOf('\n## Command line\n');
    expect(start).toBeGreaterThan(0);
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    for (const f of INPUT_FLAGS) expect(section).toMatch(new RegExp(`^\\| \`--${f.flag}[ \`].*\\| \`${f.input}\` +\\|`, 'm'));
    for (const name of Object.keys(TOOL_FLAGS)) expect(section).toContain(`\`--${name}`);
    expect(section).toMatch(/\*\*Exit status\.\*\* `0` merged.*`1` the merge failed.*`2` bad\s+usage/s);
  });

  /** The text outside code blocks, where headings and links live. */
  const prose = readme.replace(/^```[\s\S]*?^```$/gm, '');

  it('lists every "## " section in its table of contents, in order, with the anchor GitHub gives it', () => {
    const anchor = (title: string) =>
      title
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-');
    const sections = [...prose.matchAll(/^## (.+)$/gm)].map((m) => `#${anchor(m[1])}`);
    const toc = readme.slice(0, readme.search(/^## /m));
    const listed = [...toc.matchAll(/^- \[[^\]]+\]\((#[^)]+)\)/gm)].map((m) => m[1]);
    expect(sections.length).toBeGreaterThan(10);
    expect(listed).toEqual(sections);
    // The sample below keeps the anchor rule honest on a title with punctuation.
    expect(anchor('Migrating from `docker manifest create --amend`')).toBe('migrating-from-docker-manifest-create---amend');
  });

  it('"Try the command line" shows the calls the demo prints, and the tarball npm pack writes', () => {
    const start = readme.indexOf('\n## Try the command line\n');
    expect(start).toBeGreaterThan(0);
    const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
    expect(section).toContain('npm run demo -- --keep');
    expect(section).toContain('npm run demo -- --stop');
    const version = (JSON.parse(read('package.json')) as { version: string }).version;
    const printed = tryCommands({ host: '127.0.0.1:41234', pid: 1, dataDir: '/tmp/x' }, version);
    const calls = printed.slice(printed.indexOf('export REG=127.0.0.1:41234'));
    const shown = calls.slice(0, calls.indexOf(''));
    expect(shown.length).toBeGreaterThan(4);
    for (const line of shown.slice(1)) expect(section).toContain(`\n${line}\n`);
    expect(section).toContain('\nexport REG=127.0.0.1:41234');
    const npx = printed.find((l) => l.startsWith('npx '));
    expect(npx).toBeDefined();
    expect(section).toContain(`\n${npx}\n`);
    // npm pack names the tarball <name>-<version>.tgz.
    expect(npx).toContain(`--package=./${pkgName()}-${version}.tgz`);
  });

  it('names no release download of a placeholder repository', () => {
    expect(readme).not.toMatch(/github\.com\/your-org\/[^)\s]*\/releases\/download/);
  });
});

function pkgName(): string {
  return (JSON.parse(read('package.json')) as { name: string }).name;
}
