/**
 * Each front end words the flow's messages with its own table of names: the action by inputs
 * (and workflow expressions), the command line by flags. The flow's errors hold references to
 * settings, not either front end's words; these tests word the same errors both ways.
 */
import { ACTION_NAMES } from '../src/action/names';
import { CLI_NAMES } from '../src/cli/names';
import { appendWording, ContentError, describeError, InputError, KEY_NAMES, say, setting } from '../src/errors';
import type { Digest } from '../src/oci/digest';
import { MediaType } from '../src/oci/mediaTypes';
import { Reference } from '../src/oci/reference';
import { chooseMediaType } from '../src/plan/plan';
import { describeTransportError } from '../src/transport/http';
import type { Child } from '../src/resolve/resolve';

const digest = `sha256:${'a'.repeat(64)}` as Digest;
const attestation: Child = {
  kind: 'attestation',
  descriptor: { mediaType: MediaType.OciManifest, digest, size: 1, platform: { os: 'unknown', architecture: 'unknown' } },
  manifest: { kind: 'image', mediaType: MediaType.OciManifest, config: { mediaType: 'x', digest, size: 1 }, layers: [] },
  bytes: Buffer.from('x'),
  source: Reference.parse('r.io/app:1'),
  subject: digest,
};

function thrown(work: () => unknown): unknown {
  try {
    work();
  } catch (err) {
    return err;
  }
  throw new Error('nothing was thrown');
}

describe('the front ends word the same error their own way', () => {
  it('a Docker list refused for a kept attestation', () => {
    const err = thrown(() => chooseMediaType('docker', [attestation], {}));
    expect(err).toBeInstanceOf(ContentError);
    expect(describeError(err, CLI_NAMES)).toMatch(
      /^--media-type: docker cannot be used: the attestation .*; use --media-type oci or auto, or --attestations strip$/,
    );
    expect(describeError(err, ACTION_NAMES)).toMatch(
      /^input "media-type": docker cannot be used: the attestation .*; use media-type: oci or auto, or attestations: strip$/,
    );
  });

  it('an uppercase repository: a shell command for the command line, a workflow expression for the action', () => {
    const err = new InputError(
      'sources',
      say`"r.io/App": repository names must be lowercase ${{ hint: 'lowercase-repository' }}`,
    );
    expect(describeError(err, CLI_NAMES)).toBe(
      `--source: "r.io/App": repository names must be lowercase (lowercase it first, e.g. with tr '[:upper:]' '[:lower:]')`,
    );
    expect(describeError(err, ACTION_NAMES)).toContain('(with ${{ github.repository }}, lowercase it first');
    expect(err.detail).toBe('"r.io/App": repository names must be lowercase (lowercase it first)');
  });

  it('a plain-HTTP registry, through a wrapped and extended message', () => {
    const wrongVersion = Object.assign(new Error('wrong version number'), { code: 'ERR_SSL_WRONG_VERSION_NUMBER' });
    const err = describeTransportError(wrongVersion, new URL('https://reg.example:5000/v2/'));
    appendWording(err, '; ', setting('referrers', 'skip'), ' merges without them');
    expect(describeError(err, CLI_NAMES)).toBe(
      'reg.example:5000 did not answer TLS (wrong version number): if it serves plain HTTP, pass --insecure-registry reg.example:5000; ' +
        '--referrers skip merges without them',
    );
    expect(describeError(err, ACTION_NAMES)).toBe(
      'reg.example:5000 did not answer TLS (wrong version number): if it serves plain HTTP, list it in insecure-registries; ' +
        'referrers: skip merges without them',
    );
    // The message itself (what a debug line shows) names settings by key.
    expect(err.message).toBe(describeError(err, KEY_NAMES));
  });

  it('an error without references is its message', () => {
    expect(describeError(new Error('plain'), CLI_NAMES)).toBe('plain');
    expect(describeError('text', ACTION_NAMES)).toBe('text');
  });
});
