// ts-jest compiles each file on its own (isolatedModules: ts-jest supports node16 modules only so,
// and warns TS151002 otherwise); `npm test` type-checks the plugin and its tests first
// (`tsc -p tsconfig.test.json`). `npm run build` compiles only the plugin (no test in dist or the tarball).
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  setupFiles: ['reflect-metadata'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { ...require('./tsconfig.json').compilerOptions, rootDir: '.', declaration: false, declarationMap: false, isolatedModules: true } }] },
  testTimeout: 60000,
};
