/**
 * The `rel="next"` target of a `Link` header (RFC 8288), as registries page `tags/list` and
 * `referrers`: `</v2/app/tags/list?last=b&n=100>; rel="next"`, relative or absolute.
 * Several links may share one header or come in several; undefined when there is no next page.
 */
export function nextLink(headers: readonly string[], base: URL): URL | undefined {
  for (const value of headers) {
    // Split on commas between links only: a URL inside <> may hold commas.
    for (const m of value.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
      const rels = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(m[2]);
      const rel = (rels?.[1] ?? rels?.[2] ?? '').toLowerCase().split(/\s+/);
      if (rel.includes('next')) return new URL(m[1], base);
    }
  }
  return undefined;
}
