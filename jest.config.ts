import type { Config } from 'jest';

const config: Config = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // Installs redis-server when missing (the rate-limit tests start a real one).
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  // Sources import './x.js' (ESM style); Jest resolves the .ts file.
  // Tests and the demo import the package by its published names, which map to the sources.
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    '^kompliant-envelope$': '<rootDir>/src/index.ts',
    '^kompliant-envelope/(.*)$': '<rootDir>/src/$1/index.ts',
  },
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  collectCoverageFrom: ['src/**/*.ts'],
};

export default config;
