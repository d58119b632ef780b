// One jest for the whole repo. Tests import workspace packages by name; the mapper points those
// names at the TypeScript sources so no build is needed first. Type checking is `tsc -b`'s job
// (npm run build), so ts-jest only transpiles here, which keeps the suite fast.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/benchmarks', '<rootDir>/examples', '<rootDir>/scripts'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '<rootDir>/packages/create-prunebench-plugin/template/', '/\.generated/'],
  modulePathIgnorePatterns: ['<rootDir>/examples/.*/dist/', '<rootDir>/packages/.*/dist/'],
  setupFiles: ['<rootDir>/jest.setup.js'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.jest.json' }],
  },
  moduleNameMapper: {
    '^@prunebench/core/testing$': '<rootDir>/packages/core/src/testing/index.ts',
    '^@prunebench/core/config$': '<rootDir>/packages/core/src/config/index.ts',
    '^@prunebench/(core|harness|backend-wasm|schedules|pruners|models|datasets|cli)$': '<rootDir>/packages/$1/src/index.ts',
  },
  testTimeout: 60000,
};
