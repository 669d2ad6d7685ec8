/** `1 manifest`, `2 manifests`, `0 blobs`: a count with its noun in agreement. */
export function counted(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
