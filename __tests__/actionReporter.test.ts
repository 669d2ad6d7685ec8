import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { actionReporter } from '../src/action/reporter';
import type { Outputs, RunResult } from '../src/report/report';
import { parseOutputFile } from './helpers/action';

describe('actionReporter (the workflow step)', () => {
  let dir: string;
  let written: string;
  let spy: jest.SpyInstance;
  const saved = { ...process.env };
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'action-reporter-'));
    process.env.GITHUB_OUTPUT = path.join(dir, 'output');
    process.env.GITHUB_STEP_SUMMARY = path.join(dir, 'summary');
    await fs.writeFile(process.env.GITHUB_OUTPUT, '');
    await fs.writeFile(process.env.GITHUB_STEP_SUMMARY, '');
    written = '';
    spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written += chunk.toString();
      return true;
    });
  });
  afterEach(async () => {
    spy.mockRestore();
    process.env = { ...saved };
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('turns lines into groups, annotations and masks, and progress into nothing', async () => {
    await actionReporter.group('Resolve sources', async () => actionReporter.info('a → b'));
    actionReporter.notice('annotations skipped');
    actionReporter.warning('careful');
    actionReporter.secret('s3cret');
    actionReporter.progress({ repository: 'r', children: 1, manifests: {} as never, blobs: {} as never, bytesCopied: 1 });
    expect(written.split(os.EOL)).toEqual([
      '::group::Resolve sources',
      'a → b',
      '::endgroup::',
      '::notice::annotations skipped',
      '::warning::careful',
      '::add-mask::s3cret',
      '',
    ]);
  });

  it('sets every output and writes the job summary', async () => {
    const digest = `sha256:${'a'.repeat(64)}`;
    const outputs: Outputs = {
      digest,
      image: `r.io/app@${digest}`,
      manifest: '{}',
      platforms: 'linux/amd64',
      'media-type': 'application/vnd.oci.image.index.v1+json',
      sources: `r.io/app:a@${digest}`,
      attestations: '[]',
      images: '[]',
    };
    const result = {
      plan: {
        index: { digest, mediaType: outputs['media-type'], json: '{}' },
        platforms: ['linux/amd64'],
        children: [],
        replaced: [],
      },
      sources: [],
      base: undefined,
      targets: [],
      transfers: [{ repository: 'r.io/app', blobs: { present: 2 }, manifests: { present: 1 }, bytesCopied: 0 }],
      tags: [{ reference: 'r.io/app:1', outcome: 'written' }],
      dryRun: false,
      elapsedMs: 1500,
      requests: 7,
    } as unknown as RunResult;
    await actionReporter.result(result, outputs);
    expect(parseOutputFile(await fs.readFile(process.env.GITHUB_OUTPUT as string, 'utf8'))).toEqual(outputs);
    const summary = await fs.readFile(process.env.GITHUB_STEP_SUMMARY as string, 'utf8');
    expect(summary).toContain(`Index <code>${digest}</code>`);
    expect(summary).toContain('<code>r.io/app:1</code>: written');
    expect(summary).toContain('7 requests in 1.5 s.');
  });
});
