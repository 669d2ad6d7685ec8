import { transferCounts } from '../src/report/report';
import type { RepositoryTransfer } from '../src/transfer/transfer';
import { counted } from '../src/util/words';

describe('counted', () => {
  it('agrees the noun with the count', () => {
    expect([0, 1, 2].map((n) => counted(n, 'manifest'))).toEqual(['0 manifests', '1 manifest', '2 manifests']);
    expect(counted(1, 'entry', 'entries')).toBe('1 entry');
    expect(counted(3, 'entry', 'entries')).toBe('3 entries');
  });
});

describe('transferCounts', () => {
  const zero = { present: 0, mounted: 0, copied: 0, pushed: 0, 'would-mount': 0, 'would-copy': 0, 'would-push': 0 };
  const transfer = (blobs: number, manifests: number): RepositoryTransfer =>
    ({
      repository: 'r.io/app',
      blobs: { ...zero, present: blobs },
      manifests: { ...zero, present: manifests },
      bytesCopied: 0,
    }) as RepositoryTransfer;

  it('says "1 blob" and "1 manifest", and the plural otherwise', () => {
    expect(transferCounts(transfer(1, 1), false)).toBe('1 blob present, 0 mounted, 0 copied (0 B); 1 manifest present, 0 pushed');
    expect(transferCounts(transfer(2, 0), true)).toBe('2 blobs present, 0 to mount, 0 to copy; 0 manifests present, 0 to push');
  });
});
