/**
 * Dependencies point one way (docs/design.md, "Layers"): the registry layer, the transport under
 * it, oci/ and util/ import nothing from the layers above them (the flow's stages, the flow, the
 * front ends; the transport nothing from the distribution API in registry/), and the import graph
 * of src/, type imports included, has no cycle.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';

const SRC = path.join(__dirname, '..', 'src');

/** Every .ts file under src/, as a path relative to src/ without the extension (`registry/http`). */
function modules(dir = SRC): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return modules(full);
    return name.endsWith('.ts') ? [path.relative(SRC, full).slice(0, -3).split(path.sep).join('/')] : [];
  });
}

/** The modules of src/ that `module` imports, type-only imports and re-exports included. */
export function importsOf(module: string, text: string, known: ReadonlySet<string>): string[] {
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\s[^'";]*?\sfrom\s+['"]([^'"]+)['"]/gm),
    ...text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm),
    ...text.matchAll(/\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g),
  ].map((m) => m[1]);
  const found = new Set<string>();
  for (const s of specifiers) {
    if (!s.startsWith('.')) continue;
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(module), s)).replace(/\.(js|ts)$/, '');
    const resolved = [target, `${target}/index`].find((t) => known.has(t));
    if (resolved === undefined) throw new Error(`${module}: cannot resolve "${s}"`);
    found.add(resolved);
  }
  return [...found];
}

function graph(): Map<string, string[]> {
  const all = modules();
  const known = new Set(all);
  return new Map(all.map((m) => [m, importsOf(m, readFileSync(path.join(SRC, `${m}.ts`), 'utf8'), known)]));
}

/** The folders of src/ the lowest layers may import: each other's (in this order) and the shared error types. */
const LOW_LAYERS = ['util', 'oci', 'transport', 'registry'];
const SHARED = new Set(['errors']);

function layerOf(module: string): string {
  return module.includes('/') ? module.slice(0, module.indexOf('/')) : module;
}

/** A cycle in the graph, as a path that ends where it starts; undefined when there is none. */
export function findCycle(edges: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of edges.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('the import graph of src/', () => {
  const edges = graph();

  it('reads imports of every form (checked on a sample, so the other tests cannot pass by reading nothing)', () => {
    const known = new Set(['transport/http', 'flow/reporter', 'util/log', 'oci/digest', 'cli/index']);
    const text = [
      "import type { Log } from '../util/log';",
      "import { x, type Y } from '../flow/reporter';",
      "export type { Digest } from '../oci/digest';",
      "const lazy = () => import('../cli/index');",
      "import 'undici';",
    ].join('\n');
    expect(importsOf('transport/http', text, known).sort()).toEqual(['cli/index', 'flow/reporter', 'oci/digest', 'util/log']);
    expect(edges.get('flow/merge')).toContain('transfer/transfer');
    expect(edges.size).toBeGreaterThan(40);
  });

  it('registry/, transport/, oci/ and util/ import nothing from the layers above them (transport/ nothing from registry/)', () => {
    const upward: string[] = [];
    for (const [module, imports] of edges) {
      const layer = LOW_LAYERS.indexOf(layerOf(module));
      if (layer < 0) continue;
      for (const target of imports) {
        const allowed = SHARED.has(target) || LOW_LAYERS.slice(0, layer + 1).includes(layerOf(target));
        if (!allowed) upward.push(`${module} → ${target}`);
      }
    }
    expect(upward).toEqual([]);
  });

  it('has no cycle', () => {
    expect(findCycle(edges)).toBeUndefined();
  });

  it('finds a cycle where there is one', () => {
    const cyclic = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a']],
    ]);
    expect(findCycle(cyclic)).toEqual(['a', 'b', 'c', 'a']);
    expect(
      findCycle(
        new Map([
          ['a', ['b']],
          ['b', []],
        ]),
      ),
    ).toBeUndefined();
  });
});
