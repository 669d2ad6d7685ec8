/**
 * Reads the protocols a TLS client offers through ALPN from its ClientHello, the one message of
 * the handshake that travels in the clear. The proxy cannot see what the server picked (TLS 1.3
 * encrypts it), but the bench's registry is Go's net/http, which picks h2 whenever it is offered:
 * a connection that offered h2 to it speaks HTTP/2.
 */

export type HelloResult =
  { readonly kind: 'incomplete' } | { readonly kind: 'not TLS' } | { readonly kind: 'TLS'; readonly alpn: readonly string[] };

const HANDSHAKE = 0x16;
const CLIENT_HELLO = 0x01;
const ALPN_EXTENSION = 0x0010;

/** Parses the first TLS record of a connection (the bytes seen so far). */
export function parseClientHello(data: Buffer): HelloResult {
  if (data.length < 1) return { kind: 'incomplete' };
  if (data[0] !== HANDSHAKE) return { kind: 'not TLS' };
  if (data.length < 5) return { kind: 'incomplete' };
  if (data[1] !== 0x03) return { kind: 'not TLS' };
  const recordLength = data.readUInt16BE(3);
  if (data.length < 5 + recordLength) return { kind: 'incomplete' };
  const hello = data.subarray(5, 5 + recordLength);
  if (hello[0] !== CLIENT_HELLO) return { kind: 'not TLS' };
  try {
    return { kind: 'TLS', alpn: alpnOf(hello) };
  } catch {
    // A ClientHello split over several records, or malformed: TLS all the same.
    return { kind: 'TLS', alpn: [] };
  }
}

/** The ALPN list of a ClientHello handshake message (type, length, body). */
function alpnOf(hello: Buffer): string[] {
  let at = 4 + 2 + 32; // handshake header, legacy version, random
  at += 1 + hello[at]; // session id
  at += 2 + hello.readUInt16BE(at); // cipher suites
  at += 1 + hello[at]; // compression methods
  const end = at + 2 + hello.readUInt16BE(at);
  at += 2;
  while (at + 4 <= end) {
    const type = hello.readUInt16BE(at);
    const length = hello.readUInt16BE(at + 2);
    const body = hello.subarray(at + 4, at + 4 + length);
    if (type === ALPN_EXTENSION) {
      const protocols: string[] = [];
      for (let p = 2; p < body.length; p += 1 + body[p]) protocols.push(body.subarray(p + 1, p + 1 + body[p]).toString('latin1'));
      return protocols;
    }
    at += 4 + length;
  }
  return [];
}
