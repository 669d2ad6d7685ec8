import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { VERSION } from '../src/cli/version';

describe('VERSION (--version)', () => {
  it("is package.json's version: bump both, then npm run build", () => {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});
