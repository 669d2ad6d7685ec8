/**
 * The bench's reading of a TLS ClientHello (bench/tlsHello.ts): the ALPN offer of a real Node
 * TLS client, captured on a raw socket, byte by byte as a proxy may receive it.
 */
import net from 'node:net';
import tls from 'node:tls';
import { parseClientHello } from '../bench/tlsHello';

/** The first bytes a TLS client sends when it connects offering `alpn`. */
async function clientHelloOf(alpn: string[] | undefined): Promise<Buffer> {
  let received = Buffer.alloc(0);
  const server = net.createServer((socket) => {
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      socket.destroy();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => {
    const client = tls.connect({ host: '127.0.0.1', port, ALPNProtocols: alpn, rejectUnauthorized: false });
    client.on('error', () => resolve());
    client.on('close', () => resolve());
  });
  await new Promise<void>((r) => server.close(() => r()));
  return received;
}

describe('parseClientHello', () => {
  it('reads the protocols offered through ALPN', async () => {
    expect(parseClientHello(await clientHelloOf(['h2', 'http/1.1']))).toEqual({ kind: 'TLS', alpn: ['h2', 'http/1.1'] });
    expect(parseClientHello(await clientHelloOf(['http/1.1']))).toEqual({ kind: 'TLS', alpn: ['http/1.1'] });
    expect(parseClientHello(await clientHelloOf(undefined))).toEqual({ kind: 'TLS', alpn: [] });
  });

  it('waits for the whole record, and tells HTTP from TLS', async () => {
    const hello = await clientHelloOf(['h2']);
    for (const cut of [0, 1, 4, 5, 40, hello.length - 1]) {
      expect(parseClientHello(hello.subarray(0, cut))).toEqual({ kind: 'incomplete' });
    }
    expect(parseClientHello(Buffer.from('GET /v2/ HTTP/1.1\r\n\r\n'))).toEqual({ kind: 'not TLS' });
    expect(parseClientHello(Buffer.from([0x16, 0x01, 0x00, 0x00, 0x00]))).toEqual({ kind: 'not TLS' });
  });
});
