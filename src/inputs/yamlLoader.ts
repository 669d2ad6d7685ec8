import type * as Yaml from 'yaml';

/**
 * The YAML parser, loaded when `images` is given: a chunk of its own in the bundles, so a
 * single merge's start-up does not load it. (Unit tests, which cannot run a dynamic import
 * under jest, replace this module with one that requires the same library.)
 */
export const loadYaml = (): Promise<typeof Yaml> => import('yaml');
