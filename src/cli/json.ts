import type { Outputs } from '../report/report';

/**
 * What --json prints: the action's outputs under the same keys, in the same order, with each
 * list a JSON array and the index a JSON object (an output of the action is a string; a JSON
 * document needs no string inside a string).
 */
export interface JsonResult {
  readonly digest: string;
  readonly image: string;
  /** The index as pushed, parsed. */
  readonly manifest: unknown;
  readonly platforms: readonly string[];
  readonly 'media-type': string;
  readonly sources: readonly string[];
  readonly attestations: readonly unknown[];
  /** Every image of the run (one for a single merge): its tags, digest and platforms. */
  readonly images: readonly unknown[];
}

const items = (text: string, separator: string) => text.split(separator).filter((item) => item !== '');

export function jsonResult(outputs: Outputs): JsonResult {
  return {
    digest: outputs.digest,
    image: outputs.image,
    manifest: JSON.parse(outputs.manifest) as unknown,
    platforms: items(outputs.platforms, ','),
    'media-type': outputs['media-type'],
    sources: items(outputs.sources, '\n'),
    attestations: JSON.parse(outputs.attestations) as unknown[],
    images: JSON.parse(outputs.images) as unknown[],
  };
}
