import { readFile } from 'node:fs/promises';
import { InputError } from '../errors';
import type { BakeMetadataFile } from './bake';

/** The glob matcher, loaded when `bake-metadata` holds a pattern (a chunk of its own in the bundles). */
export type GlobFiles = (pattern: string, cwd: string) => Promise<string[]>;

const loadGlob: GlobFiles = async (pattern, cwd) => {
  const { glob } = await import('tinyglobby');
  return glob(pattern, { cwd, onlyFiles: true, expandDirectories: false });
};

/**
 * Reads the bake metadata files `bake-metadata` names, one path or glob per item, relative to
 * the working directory. Local files only (no request): a path that cannot be read, or a glob
 * that matches nothing, fails naming it.
 */
export async function readBakeMetadata(
  items: readonly string[],
  cwd: string = process.cwd(),
  glob: GlobFiles = loadGlob,
): Promise<BakeMetadataFile[]> {
  const paths: string[] = [];
  for (const item of items) {
    if (/[*?[{]/.test(item)) {
      const matches = (await glob(item, cwd)).sort();
      if (matches.length === 0) throw new InputError('bake-metadata', `"${item}" matches no file (in ${cwd})`);
      paths.push(...matches);
    } else paths.push(item);
  }
  return Promise.all(
    [...new Set(paths)].map(async (path) => {
      try {
        return { path, text: await readFile(path.startsWith('/') ? path : `${cwd}/${path}`, 'utf8') };
      } catch (err) {
        throw new InputError('bake-metadata', `cannot read "${path}" (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      }
    }),
  );
}
