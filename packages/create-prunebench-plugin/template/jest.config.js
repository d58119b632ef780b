// ts-jest type-checks every test file it runs (diagnostics on), so `npm test` checks the tests'
// types too; `npm run build` compiles only the plugin (tests stay out of dist and the tarball).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['reflect-metadata'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { ...require('./tsconfig.json').compilerOptions, rootDir: '.', declaration: false, declarationMap: false } }] },
  testTimeout: 60000,
};
