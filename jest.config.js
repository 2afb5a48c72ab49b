const { existsSync } = require('node:fs');
const existing = (dirs) => dirs.filter((d) => existsSync(d.replace('<rootDir>', __dirname)));

/** One jest config for every suite; `--selectProjects` picks unit, integration or e2e. */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
  },
];
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)s$': swc },
  // @fastify/static 10 pulls the ESM-only content-disposition; transform it or SwaggerModule.setup exits jest.
  transformIgnorePatterns: ['/node_modules/(?!(@fastify/static|content-disposition)/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
};
module.exports = {
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    {
      ...shared,
      displayName: 'unit',
      roots: existing(['<rootDir>/src', '<rootDir>/predictor', '<rootDir>/scripts']),
      testMatch: ['**/*.spec.ts'],
    },
    { ...shared, displayName: 'integration', roots: ['<rootDir>/test/integration'], testMatch: ['**/*.test.ts'] },
    { ...shared, displayName: 'e2e', roots: ['<rootDir>/test/e2e'], testMatch: ['**/*.e2e.ts'] },
  ],
};
