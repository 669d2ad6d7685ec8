import { Reference } from '../src/oci/reference';
import { DEFAULT_TIMEOUTS } from '../src/registry/http';
import { Registries, TRANSPORT_ENV, transportSettingsFromEnv } from '../src/registry/registries';
import { DEFAULT_RETRY } from '../src/registry/retry';

describe('transportSettingsFromEnv (test-only knobs)', () => {
  it('is the defaults when nothing is set', () => {
    expect(transportSettingsFromEnv({})).toEqual({ retry: DEFAULT_RETRY, timeouts: DEFAULT_TIMEOUTS });
    expect(transportSettingsFromEnv({ [TRANSPORT_ENV.attempts]: ' ' })).toEqual({ retry: DEFAULT_RETRY, timeouts: DEFAULT_TIMEOUTS });
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
    expect(() => transportSettingsFromEnv({ [name]: value })).toThrow(new RegExp(`^${name}="${value.replace('.', '\\.')}" is not an integer`));
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
    });
    expect(registries.scopesFor('r.io')).toEqual(['repository:a/app:pull,push', 'repository:a/src:pull', 'repository:a/app:pull']);
    expect(registries.scopesFor('other.io')).toEqual(['repository:x:pull']);
    return registries.close();
  });
});
