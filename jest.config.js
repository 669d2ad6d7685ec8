/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.check.json' }] },
  // End-to-end suites start real registries; give them room, but no test is timed for speed.
  testTimeout: 60000,
  maxWorkers: 2,
};
