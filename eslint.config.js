// @ts-check
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const openpgpOutsideCrypto = {
  paths: [
    {
      name: 'openpgp',
      message: 'Only src/crypto may import openpgp: use the functions of src/crypto/openpgp.ts.',
    },
  ],
  patterns: [
    {
      group: ['openpgp/*'],
      message: 'Only src/crypto may import openpgp: use the functions of src/crypto/openpgp.ts.',
    },
  ],
};

/** Folders of features: src/common is shared by them and imports none of them. */
const features = [
  'admin',
  'audit',
  'auth',
  'cli',
  'follow-ups',
  'health',
  'intake-keys',
  'lifecycle',
  'metrics',
  'partners',
  'proof-of-work',
  'public-site',
  'retention',
  'tips',
  'webhooks',
];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.data/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.jest },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      'no-restricted-imports': ['error', openpgpOutsideCrypto],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-extraneous-class': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  {
    // No import cycles; src/common imports no feature. The TypeScript resolver maps `./x.js` to x.ts.
    files: ['src/**/*.ts', 'test/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      // Without a parser for the files imported, no-cycle cannot follow them and finds nothing.
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
      'import-x/extensions': ['.ts', '.js'],
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            {
              target: './src/common',
              from: features.map((f) => `./src/${f}`),
              message: 'src/common is shared by the features and imports none of them.',
            },
          ],
        },
      ],
    },
  },
  {
    // The crypto module is the one place allowed to use openpgp.
    files: ['src/crypto/**/*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Jest's asymmetric matchers (expect.any, expect.stringMatching) are typed `any`.
    files: ['test/**/*.ts', 'src/**/*.spec.ts'],
    // supertest's res.body is `any` by design.
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // The public site's scripts run in the browser (a page and a Web Worker), not in Node.
    files: ['src/public-site/assets/**/*.js'],
    languageOptions: {
      sourceType: 'script',
      globals: { ...globals.browser, ...globals.worker },
    },
  },
);
