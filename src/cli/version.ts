/**
 * The package's version, for --version. Kept here rather than imported from package.json, which
 * would put all of package.json in the bundle and make every dependency bump rebuild it;
 * __tests__/version.test.ts keeps the two equal.
 */
export const VERSION = '0.1.0';
