/** What a server negotiated over TLS (ALPN); plain HTTP origins are always HTTP/1.1. */
export type Protocol = 'h2' | 'http/1.1';
