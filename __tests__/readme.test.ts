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
import { existsSync, readdirSync, readFileSync } from 'node:fs';
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

/** The documentation pages. */
const DOCS = readdirSync(path.join(ROOT, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`);

/** A "## " section of a Markdown text, its heading included. */
function sectionOf(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`no section "## ${title}"`);
  const end = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, end < 0 ? undefined : end);
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
    const block = /^```(?:sh|bash|shell)\n([\s\S]*?)^```/m.exec(top);
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

  it(`names the action ${ACTION_PLACEHOLDER} in every uses: line, in the docs too`, () => {
    const uses = [readme, ...DOCS.map(read)].flatMap((text) =>
      [...text.matchAll(/uses:\s*(\S*merge-multiarch-action\S*)/g)].map((m) => m[1]),
    );
    expect(uses.length).toBeGreaterThan(0);
    expect(uses.filter((u) => u !== ACTION_PLACEHOLDER)).toEqual([]);
  });

  it('documents every flag of the command line, with its input, and the exit statuses (docs/cli.md)', () => {
    const cli = read('docs/cli.md');
    const section = sectionOf(cli, 'Usage') + sectionOf(cli, 'Exit status');
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
    expect(sections.length).toBeGreaterThanOrEqual(5);
    expect(listed).toEqual(sections);
    // The sample below keeps the anchor rule honest on a title with punctuation.
    expect(anchor('Migrating from `docker manifest create --amend`')).toBe('migrating-from-docker-manifest-create---amend');
  });

  it('"Try the command line" (docs/cli.md) shows the calls the demo prints, and the tarball npm pack writes', () => {
    const section = sectionOf(read('docs/cli.md'), 'Try the command line');
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

/** GitHub's anchor for a heading: lowercased, punctuation dropped, spaces as hyphens. */
function githubAnchor(title: string): string {
  return title
    .replace(/`/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

/** Markdown outside fenced code blocks, where headings and links live. */
const proseOf = (markdown: string) => markdown.replace(/^\s*```[\s\S]*?^\s*```$/gm, '');

/** The anchors a Markdown file has: one per heading (repeats numbered as GitHub does), and HTML ids. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const m of proseOf(markdown).matchAll(/^#{1,6} (.+?)\s*$/gm)) {
    const base = githubAnchor(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of markdown.matchAll(/<a (?:id|name)="([^"]+)"/g)) anchors.add(m[1]);
  return anchors;
}

/** The relative links of a Markdown file: `[text](target)`, outside code. */
function linksOf(markdown: string): string[] {
  const prose = proseOf(markdown).replace(/`[^`\n]*`/g, '');
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((t) => !/^[a-z]+:/i.test(t));
}

/** The pages the README's map sends readers to, one topic each, each with its own contents. */
const TOPIC_PAGES = [
  'docs/workflows.md',
  'docs/cli.md',
  'docs/registries.md',
  'docs/migrating.md',
  'docs/troubleshooting.md',
  'docs/how-it-works.md',
  'docs/development.md',
];

describe('README.md as a landing page, and the docs/ pages', () => {
  const readme = read('README.md');
  const pkg = JSON.parse(read('package.json')) as { engines: { node: string } };

  it('is at most 400 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(400);
  });

  it('says on its first screen what the tool is and for whom, then shows the shortest working workflow', () => {
    const screen = readme.split('\n').slice(0, 30).join('\n');
    expect(screen).toMatch(/GitHub Action/);
    expect(screen).toMatch(/one multi-arch image/);
    expect(screen).toMatch(/It is for teams that build each architecture in its own CI job/);
    expect(screen.indexOf('```yaml\n')).toBeGreaterThan(screen.indexOf('It is for teams'));
    // The workflow is whole (actionlint checks it: __tests__/workflows.test.ts) and the shortest in the docs.
    const first = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(first).toMatch(/^jobs:$/m);
    const workflows = [readme, ...DOCS.map(read)].flatMap((text) =>
      [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]).filter((y) => /^on:/m.test(y) && /^jobs:$/m.test(y)),
    );
    expect(Math.min(...workflows.map((w) => w.split('\n').length))).toBe(first.split('\n').length);
  });

  it('has a map of the documentation linking every page of docs/', () => {
    const map = sectionOf(readme, 'Documentation');
    const linked = new Set(linksOf(map).map((l) => l.replace(/#.*$/, '')));
    expect(DOCS.filter((page) => !linked.has(page))).toEqual([]);
  });

  it.each(TOPIC_PAGES)('%s has its own contents: every "## " section, in order', (page) => {
    const text = read(page);
    const contents = text.slice(0, text.search(/^## /m));
    const listed = [...contents.matchAll(/^- \[[^\]]+\]\((#[^)]+)\)/gm)].map((m) => m[1]);
    const sections = [...proseOf(text).matchAll(/^## (.+)$/gm)].map((m) => `#${githubAnchor(m[1])}`);
    expect(sections.length).toBeGreaterThanOrEqual(2);
    expect(listed).toEqual(sections);
  });

  it('every link and anchor in README.md and docs/ resolves', () => {
    const broken: string[] = [];
    for (const file of ['README.md', ...DOCS]) {
      for (const link of linksOf(read(file))) {
        const [target, anchor] = link.split('#');
        const resolved = target === '' ? file : path.normalize(path.join(path.dirname(file), target));
        if (!existsSync(path.join(ROOT, resolved))) {
          broken.push(`${file}: ${link} (no ${resolved})`);
          continue;
        }
        if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(read(resolved)).has(anchor)) {
          broken.push(`${file}: ${link} (no #${anchor} in ${resolved})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('the link check does find a missing file and a missing anchor (the check above can fail)', () => {
    expect(linksOf('see [a](docs/a.md#x), `[not](code.md)`, [web](https://example.com) and\n```\n[no](b.md)\n```\n')).toEqual([
      'docs/a.md#x',
    ]);
    expect([...anchorsOf('# Title\n## Migrating from `docker manifest`\n## A\n## A\n')]).toEqual([
      'title',
      'migrating-from-docker-manifest',
      'a',
      'a-1',
    ]);
  });

  it("states the Node.js requirement as package.json's engines does", () => {
    const minimum = /^>=(\d+\.\d+\.\d+)$/.exec(pkg.engines.node)?.[1];
    expect(minimum).toBeDefined();
    const stated = ['README.md', ...DOCS].flatMap((file) =>
      [...read(file).matchAll(/Node(?:\.js)? (\d+(?:\.\d+)*) or later/g)].map((m) => `${file}: ${m[1]}`),
    );
    expect(stated.length).toBeGreaterThanOrEqual(3);
    expect(stated.filter((s) => !s.endsWith(`: ${minimum}`))).toEqual([]);
  });

  it('the Development page says how long npm test takes and what scripts/install-deps.sh installs, with sudo', () => {
    const dev = read('docs/development.md');
    const script = read('scripts/install-deps.sh');
    const packages = /for pkg in ([^;]+); do/.exec(script)?.[1].trim().split(/\s+/) ?? [];
    expect(packages.length).toBeGreaterThan(3);
    for (const p of packages) expect(dev).toContain(`\`${p}\``);
    expect(script).toMatch(/sudo/);
    expect(dev).toMatch(/\*\*with sudo\*\*/);
    expect(dev).toMatch(/`npm test` takes about \d+ minutes for the whole suite on \d+ CPUs/);
  });

  it('documents every key --json prints (docs/cli.md)', () => {
    const keys = read('src/cli/json.ts').match(/readonly '?([a-z-]+)'?:/g) ?? [];
    const names = keys.map((k) => k.replace(/readonly '?([a-z-]+)'?:/, '$1'));
    expect(names).toEqual(['digest', 'image', 'manifest', 'platforms', 'media-type', 'sources', 'attestations', 'images']);
    const section = sectionOf(read('docs/cli.md'), 'Output and JSON');
    for (const name of names) expect(section).toMatch(new RegExp(`^\\| \`${name}\` +\\|`, 'm'));
  });

  it('keeps npm pack tarballs out of git', () => {
    expect(read('.gitignore').split('\n')).toContain('*.tgz');
  });
});
