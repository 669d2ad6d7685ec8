import { ImageLog } from '../src/flow/imageLog';
import { Reference } from '../src/oci/reference';
import { batchTotals, imageOutput, outputsOf, requestsLine, type RunResult, totalsLine } from '../src/report/report';
import { emptyTransfer } from '../src/transfer/transfer';
import { recordingReporter } from './helpers/reporter';

const D = (c: string) => `sha256:${c.repeat(64)}`;

function result(n: number, tags: Array<RunResult['tags'][number]['outcome']>, dryRun = false): RunResult {
  const transfer = emptyTransfer(`r.io/app${n}`);
  Object.assign(transfer.blobs, { mounted: 2, copied: 1, 'would-mount': dryRun ? 3 : 0 });
  transfer.bytesCopied = 2048;
  return {
    plan: {
      index: { digest: D(String(n)), mediaType: 'application/vnd.oci.image.index.v1+json', json: '{}' },
      platforms: ['linux/amd64', 'linux/arm64'],
    },
    sources: [],
    base: undefined,
    targets: tags.map((_, i) => Reference.parse(`r.io/app${n}:${i}`)),
    transfers: [transfer],
    tags: tags.map((outcome, i) => ({ reference: `r.io/app${n}:${i}`, outcome })),
    dryRun,
    elapsedMs: 100,
    requests: 40,
  } as unknown as RunResult;
}

describe('the batch report (design rule 24)', () => {
  it('outputs: the first image, and every image in `images`', () => {
    const all = [result(1, ['written', 'written']), result(2, ['unchanged'])];
    const outputs = outputsOf(all[0], all);
    expect(outputs.digest).toBe(D('1'));
    expect(outputs.image).toBe(`r.io/app1@${D('1')}`);
    expect(JSON.parse(outputs.images)).toEqual(all.map(imageOutput));
    expect(imageOutput(all[1])).toEqual({
      image: `r.io/app2@${D('2')}`,
      tags: ['r.io/app2:0'],
      digest: D('2'),
      platforms: ['linux/amd64', 'linux/arm64'],
    });
  });

  it('totals: tags written (not those already there), blobs, bytes, requests, what Hub counted, time', () => {
    const totals = batchTotals([result(1, ['written', 'written']), result(2, ['unchanged', 'written'])], {
      requests: 80,
      hubCounted: 4,
      elapsedMs: 2100,
    });
    expect(totals).toMatchObject({ images: 2, tagsWritten: 3, blobsMounted: 4, blobsCopied: 2, bytesCopied: 4096 });
    expect(totalsLine(totals)).toBe(
      '2 images, 3 tags written, 4 blobs mounted, 2 copied (4.0 KiB), 80 requests (4 counted by Docker Hub) in 2.1 s',
    );
    const dry = batchTotals([result(1, ['would-write'], true)], { requests: 5, elapsedMs: 300 });
    expect(totalsLine(dry)).toBe('1 image, 1 tag to write, 5 blobs to mount, 1 to copy, 5 requests in 0.3 s');
    expect(requestsLine({ requests: 7, elapsedMs: 1500 })).toBe('7 requests in 1.5 s');
  });
});

describe('ImageLog', () => {
  it("keeps an image's lines and tells them as one group; secrets, debug and progress go through at once", async () => {
    const run = recordingReporter();
    const log = new ImageLog(run, 'entry 2 (r.io/app:1)');
    await log.group('Resolve sources', async () => log.info('resolved'));
    log.notice('careful');
    log.warning('odd');
    log.secret('s3cret');
    log.debug('GET /v2/');
    expect(run.secrets).toEqual(['s3cret']);
    expect(run.lines).toEqual(['debug: GET /v2/']);
    await log.flush();
    expect(run.lines.slice(1)).toEqual([
      'group: entry 2 (r.io/app:1)',
      'info: -- Resolve sources',
      'info: resolved',
      'notice: careful',
      'warning: odd',
    ]);
    await log.flush(); // nothing new: no empty group
    expect(run.lines).toHaveLength(6);
  });
});
