/** Drops user info and signed-URL query strings (S3 redirects carry signatures). */
export function redactUrl(url: URL): string {
  const copy = new URL(url.toString());
  copy.username = '';
  copy.password = '';
  for (const key of [...copy.searchParams.keys()]) {
    if (/signature|token|credential|x-amz-|sig$/i.test(key)) copy.searchParams.set(key, 'REDACTED');
  }
  return copy.toString();
}
