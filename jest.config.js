// One Jest project per package. Tests import sibling packages from their TypeScript sources
// (moduleNameMapper), so a test run checks the code in the tree, not a stale build; `npm test`
// still runs `tsc -b` first because some tests spawn the built CLI and real writer processes.
const packages = ['format', 'writer', 'cli'];

/** @type {import('jest').Config} */
module.exports = {
  // Most tests start real processes or threads (writers, the CLI, Chromium, Prometheus). Jest's
  // default 5 s budget holds on an idle machine only: CI runs on 2 shared cores, where starting a
  // few Node processes can take seconds. A generous budget keeps a busy machine from failing good
  // work; tests wait on conditions, never on this. (`npm run test:load` checks it.)
  testTimeout: 60_000,
  projects: packages.map((name) => ({
    displayName: name,
    rootDir: `<rootDir>/packages/${name}`,
    testEnvironment: 'node',
    testMatch: ['<rootDir>/test/**/*.test.ts'],
    moduleNameMapper: { '^@mmstats/(format|writer|cli)$': '<rootDir>/../$1/src' },
    transform: {
      '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/../../tsconfig.test.json' }],
    },
  })),
};
