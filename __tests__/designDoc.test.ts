/**
 * docs/design.md explains the code from inside: every design rule the code cites ("design rule
 * 9", "design rules 7–9", "(rule 8)") is a numbered rule there, and the rules are numbered
 * 1, 2, 3 … without a gap. Nothing in src/, the tests, bench/ or scripts/ refers to an issue or
 * a "gap" by number: the code says what the thing is.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return files(full);
    return /\.(ts|js|mjs|sh)$/.test(name) ? [full] : [];
  });
}

/** The rule numbers a text cites: "design rule 9", "rules 7–9", "rules 8, 9", "rules 10–12, 14". */
export function citedRules(text: string): number[] {
  const cited: number[] = [];
  for (const m of text.matchAll(/\brules?\s+(\d+(?:\s*[–-]\s*\d+)?(?:\s*(?:,|and)\s*\d+(?:\s*[–-]\s*\d+)?)*)/gi)) {
    for (const part of m[1].split(/\s*(?:,|and)\s*/)) {
      const [from, to] = part.split(/\s*[–-]\s*/).map(Number);
      for (let n = from; n <= (to ?? from); n++) cited.push(n);
    }
  }
  return cited;
}

/** The numbers of the rules docs/design.md defines: `### N. …` under "## Correctness rules". */
function definedRules(design: string): number[] {
  const start = design.indexOf('\n## Correctness rules\n');
  if (start < 0) throw new Error('docs/design.md has no "## Correctness rules" section');
  const section = design.slice(start, design.indexOf('\n## ', start + 1));
  return [...section.matchAll(/^### (\d+)\. /gm)].map((m) => Number(m[1]));
}

const sources = ['src', '__tests__', 'bench', 'scripts'].flatMap((d) => files(path.join(ROOT, d)));

describe('docs/design.md', () => {
  const design = readFileSync(path.join(ROOT, 'docs', 'design.md'), 'utf8');
  const defined = definedRules(design);

  it('reads citations of every form the code uses', () => {
    expect(citedRules('design rule 9; Design rules 7–9; (rule 8); rules 10–12, 14; design rules 8 and 13')).toEqual([
      9, 7, 8, 9, 8, 10, 11, 12, 14, 8, 13,
    ]);
  });

  it('numbers its rules 1, 2, 3 … without a gap', () => {
    expect(defined.length).toBeGreaterThanOrEqual(15);
    expect(defined).toEqual(defined.map((_, i) => i + 1));
  });

  it('defines every rule cited in src/, the tests, bench/ and scripts/', () => {
    const citations = new Map<number, string>();
    for (const file of sources.filter((f) => f !== __filename)) {
      for (const n of citedRules(readFileSync(file, 'utf8'))) citations.set(n, path.relative(ROOT, file));
    }
    expect(citations.size).toBeGreaterThan(10);
    const undefinedRules = [...citations].filter(([n]) => !defined.includes(n)).map(([n, file]) => `rule ${n} (${file})`);
    expect(undefinedRules).toEqual([]);
  });

  it('has no stand-in: nothing in src/, the tests, bench/ or scripts/ refers to an issue or a gap by number', () => {
    const pattern = /\b(?:issues?|gaps?)\s*#?\d+|\bissues? #\d+|\(#\d+\)/i;
    const offending = sources
      .filter((f) => f !== __filename)
      .flatMap((file) =>
        readFileSync(file, 'utf8')
          .split('\n')
          .map((line, i) => [line, i] as const)
          .filter(([line]) => pattern.test(line.replace(/[\w.-]+\/[\w.-]+#\d+/g, ''))) // owner/repo#N names another project's thread
          .map(([line, i]) => `${path.relative(ROOT, file)}:${i + 1}: ${line.trim()}`),
      );
    expect(offending).toEqual([]);
  });
});
