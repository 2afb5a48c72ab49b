import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.cutover/**', 'coverage/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'off',
      'no-console': 'off',
    },
  },
  {
    // Only the config module reads the environment; only the aws adapters import AWS SDKs.
    files: ['src/**/*.ts', 'predictor/src/**/*.ts'],
    ignores: ['src/config/**', 'predictor/src/config/**', '**/*.spec.ts', 'src/cli/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'Read configuration through the config module.' },
      ],
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/providers/aws/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@aws-sdk/*', '@smithy/*', '@aws-crypto/*'],
              message: 'Only src/providers/aws imports AWS SDKs.',
            },
          ],
        },
      ],
    },
  },
);
