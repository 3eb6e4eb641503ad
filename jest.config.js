// Three tiers: unit (pure logic, next to the code), integration (one service on the real
// database and broker), e2e (the whole system, in test/). `npm test` runs all three.
const swc = ['@swc/jest', {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2022',
  },
  module: { type: 'commonjs' },
}];
const moduleNameMapper = {
  '^@kinlink/(contracts|kafka|database|config|matching-engine|audit-log|testing|privacy)$': '<rootDir>/libs/$1/src',
};
const base = { rootDir: __dirname, transform: { '^.+\\.ts$': swc }, moduleNameMapper, testEnvironment: 'node' };

module.exports = {
  projects: [
    // the broker's own compatibility check needs no services
    { ...base, displayName: 'integration-infra', testMatch: ['<rootDir>/test/infra/**/*.e2e-spec.ts'] },
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,scripts}/**/*.spec.ts'] },
    {
      ...base, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/test/setup/infra-setup.mjs', slowTestThreshold: 30,
    },
    {
      ...base, displayName: 'e2e', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], testPathIgnorePatterns: ['/test/infra/'],
      globalSetup: '<rootDir>/test/setup/system-setup.mjs', globalTeardown: '<rootDir>/test/setup/system-teardown.mjs',
      slowTestThreshold: 60,
    },
  ],
};
