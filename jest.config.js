// One Jest project per package. Tests import sibling packages from their TypeScript sources
// (moduleNameMapper), so a test run checks the code in the tree, not a stale build; `npm test`
// still runs `tsc -b` first because some tests spawn the built CLI and real writer processes.
const packages = ['format', 'writer', 'cli'];

/** @type {import('jest').Config} */
module.exports = {
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
