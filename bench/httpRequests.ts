/**
 * Counts HTTP/1.1 requests in a client→server byte stream: reads each request head, then skips
 * its body by Content-Length or chunked framing, so bytes inside a body are never mistaken for
 * a request line. A stream that does not start like HTTP (a TLS ClientHello, say) is marked
 * `foreign` and no longer parsed.
 */

export interface SeenRequest {
  readonly method: string;
  readonly target: string;
}

const REQUEST_LINE = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/;
const MAX_HEAD = 64 * 1024;

type State =
  | { kind: 'head' }
  | { kind: 'body'; remaining: number }
  | { kind: 'chunk-size' }
  | { kind: 'chunk-data'; remaining: number }
  | { kind: 'chunk-crlf'; remaining: number }
  | { kind: 'trailer' }
  | { kind: 'foreign' };

export class RequestStreamParser {
  private state: State = { kind: 'head' };
  private pending = Buffer.alloc(0);

  constructor(private readonly onRequest: (request: SeenRequest) => void) {}

  /** True once the stream turned out not to be HTTP/1.x. */
  get foreign(): boolean {
    return this.state.kind === 'foreign';
  }

  push(chunk: Buffer): void {
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    while (data.length > 0 && this.state.kind !== 'foreign') {
      const consumed = this.step(data);
      if (consumed < 0) {
        // Needs more bytes than are here: keep the unread rest for the next chunk.
        this.pending = Buffer.from(data);
        if (this.pending.length > MAX_HEAD) this.state = { kind: 'foreign' };
        return;
      }
      data = data.subarray(consumed);
    }
  }

  /** Consumes a prefix of `data`; -1 when a line or head is incomplete. */
  private step(data: Buffer): number {
    const s = this.state;
    switch (s.kind) {
      case 'head': {
        if (!/^[A-Z]/.test(String.fromCharCode(data[0]))) {
          this.state = { kind: 'foreign' };
          return data.length;
        }
        const end = data.indexOf('\r\n\r\n');
        if (end < 0) return -1;
        this.head(data.subarray(0, end).toString('latin1'));
        return end + 4;
      }
      case 'body': {
        const n = Math.min(s.remaining, data.length);
        s.remaining -= n;
        if (s.remaining === 0) this.state = { kind: 'head' };
        return n;
      }
      case 'chunk-size': {
        const end = data.indexOf('\r\n');
        if (end < 0) return -1;
        const size = parseInt(data.subarray(0, end).toString('latin1').split(';')[0].trim(), 16);
        if (Number.isNaN(size)) {
          this.state = { kind: 'foreign' };
          return data.length;
        }
        this.state = size === 0 ? { kind: 'trailer' } : { kind: 'chunk-data', remaining: size };
        return end + 2;
      }
      case 'chunk-data': {
        const n = Math.min(s.remaining, data.length);
        s.remaining -= n;
        if (s.remaining === 0) this.state = { kind: 'chunk-crlf', remaining: 2 };
        return n;
      }
      case 'chunk-crlf': {
        const n = Math.min(s.remaining, data.length);
        s.remaining -= n;
        if (s.remaining === 0) this.state = { kind: 'chunk-size' };
        return n;
      }
      case 'trailer': {
        const end = data.indexOf('\r\n');
        if (end < 0) return -1;
        if (end === 0) this.state = { kind: 'head' };
        return end + 2;
      }
      case 'foreign':
        return data.length;
    }
  }

  private head(text: string): void {
    const [line, ...headerLines] = text.split('\r\n');
    const m = REQUEST_LINE.exec(line);
    if (!m) {
      this.state = { kind: 'foreign' };
      return;
    }
    this.onRequest({ method: m[1], target: m[2] });
    let length = 0;
    let chunked = false;
    for (const h of headerLines) {
      const colon = h.indexOf(':');
      const name = h.slice(0, colon).trim().toLowerCase();
      const value = h.slice(colon + 1).trim();
      if (name === 'content-length') length = Number(value);
      if (name === 'transfer-encoding' && /chunked/i.test(value)) chunked = true;
    }
    if (chunked) this.state = { kind: 'chunk-size' };
    else if (length > 0) this.state = { kind: 'body', remaining: length };
    else this.state = { kind: 'head' };
  }
}
