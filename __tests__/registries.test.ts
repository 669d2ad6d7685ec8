import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Reference } from '../src/oci/reference';
import { DEFAULT_TIMEOUTS } from '../src/transport/http';
import { Agent } from 'undici';
import { Registries, TRANSPORT_ENV, transportSettingsFromEnv } from '../src/registry/registries';
import { DEFAULT_RETRY } from '../src/transport/retry';

describe('transportSettingsFromEnv (test-only knobs)', () => {
  it('is the defaults when nothing is set', () => {
    expect(transportSettingsFromEnv({})).toEqual({ retry: DEFAULT_RETRY, timeouts: DEFAULT_TIMEOUTS });
    expect(transportSettingsFromEnv({ [TRANSPORT_ENV.attempts]: ' ' })).toEqual({
      retry: DEFAULT_RETRY,
      timeouts: DEFAULT_TIMEOUTS,
    });
  });

  it('reads every knob', () => {
    const env = {
      MERGE_ACTION_RETRY_ATTEMPTS: '3',
      MERGE_ACTION_RETRY_BASE_MS: '10',
      MERGE_ACTION_RETRY_MAX_MS: '100',
      MERGE_ACTION_RETRY_AFTER_MAX_MS: '0',
      MERGE_ACTION_TIMEOUT_MS: '1500',
    };
    expect(transportSettingsFromEnv(env)).toEqual({
      retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 100, maxRetryAfterMs: 0 },
      timeouts: { headersMs: 1500, bodyMs: 1500, connectMs: 1500 },
    });
  });

  it.each([
    ['MERGE_ACTION_RETRY_ATTEMPTS', '0'],
    ['MERGE_ACTION_RETRY_ATTEMPTS', 'three'],
    ['MERGE_ACTION_RETRY_BASE_MS', '-5'],
    ['MERGE_ACTION_TIMEOUT_MS', '1.5'],
    ['MERGE_ACTION_TIMEOUT_MS', '0'],
  ])('refuses %s=%j, naming it', (name, value) => {
    expect(() => transportSettingsFromEnv({ [name]: value })).toThrow(
      new RegExp(`^${name}="${value.replace('.', '\\.')}" is not an integer`),
    );
  });
});

describe('Registries', () => {
  const none = { get: async () => undefined };
  const refs = (...r: string[]) => r.map((x) => Reference.parse(x));

  it('asks for push on targets and pull on sources, per registry', () => {
    const registries = new Registries({
      sources: refs('r.io/a/src:1', 'r.io/a/app:0', 'other.io/x:1'),
      targets: refs('r.io/a/app:1', 'r.io/a/app:2'),
      push: true,
      credentials: none,
      insecureRegistries: new Set(),
      log: { info: () => undefined, debug: () => undefined, secret: () => undefined },
    });
    expect(registries.scopesFor('r.io')).toEqual([
      'repository:a/app:pull,push',
      'repository:a/src:pull',
      'repository:a/app:pull',
    ]);
    expect(registries.scopesFor('other.io')).toEqual(['repository:x:pull']);
    return registries.close();
  });

  it("opens early the first burst's connections of every registry: beside the TLS handshake, and for plain-HTTP hosts only, plain ones", async () => {
    const opened: Array<[string, ...number[]]> = [];
    const dispatcher = Object.assign(new Agent(), {
      preconnect: (origin: string, spare = 0) => opened.push([origin, spare]),
      preconnectPlain: (origin: string, count: number) => opened.push([origin, count]),
    });
    const many = Array.from({ length: 12 }, (_, i) => `localhost:5000/many/s${i}:1`);
    const registries = new Registries({
      sources: refs('127.0.0.1:5000/a/src:1', '127.0.0.1:5000/a/src:2', 'lan.test/x:1', 'r.io/a/src:1', ...many),
      targets: refs('127.0.0.1:5000/a/app:1', 'r.io/a/app:1'),
      push: true,
      credentials: none,
      insecureRegistries: new Set(['lan.test']),
      log: { info: () => undefined, debug: () => undefined, secret: () => undefined },
      dispatcher,
    });
    expect(opened).toEqual([
      // Three reads at once: the handshake carries one, two TLS connections beside it; on
      // loopback, three plain ones too, in case the server does not speak TLS.
      ['https://127.0.0.1:5000', 2],
      ['http://127.0.0.1:5000', 3],
      // Two reads, no plain HTTP: one beside the handshake.
      ['https://r.io', 1],
      // Listed, without a port: plain HTTP on port 80.
      ['https://lan.test', 0],
      ['http://lan.test', 1],
      // Thirteen reads, six connections at most.
      ['https://localhost:5000', 5],
      ['http://localhost:5000', 6],
    ]);
    await registries.close();
    await dispatcher.close();
  });
});

describe('Registries.close', () => {
  it('aborts what is still in flight instead of waiting for it', async () => {
    // A registry that never answers.
    const server = http.createServer(() => undefined);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    const registries = new Registries({
      sources: [Reference.parse(`${host}/a:1`)],
      targets: [Reference.parse(`${host}/b:1`)],
      push: true,
      credentials: { get: async () => undefined },
      insecureRegistries: new Set(),
      log: { info: () => undefined, debug: () => undefined, secret: () => undefined },
      retry: { ...DEFAULT_RETRY, attempts: 1 },
    });
    try {
      const client = await registries.client(host);
      const pending = client.getManifest('a', '1').catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 100));
      await registries.close();
      expect(await pending).toBeInstanceOf(Error);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
