import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', Buffer: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-console': ['error', { allow: ['error'] }],
    },
  },
  {
    // An import() of a client package keeps all of it in the bundle: its namespace cannot be
    // tree-shaken. The facades in src/aws/sdk/ name what pr-env uses (scripts/bundle.mjs).
    files: ['src/**'],
    ignores: ['src/aws/sdk/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ImportExpression[source.value=/^@aws-sdk\\u002F/]',
          message:
            'Load an AWS client through its facade in src/aws/sdk/ (import("../aws/sdk/rds.js")), which names only the commands used.',
        },
      ],
    },
  },
  {
    files: ['test/**', 'scripts/**', 'bench/**'],
    rules: { 'no-console': 'off' },
  },
);
