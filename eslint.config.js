// Lint with the layer bans the design relies on (STYLE 4): the core never imports Electron or
// the shells; the renderer never imports the core or Node; the api contract stays portable.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const noNode = {
  patterns: [
    { group: ['node:*', 'fs', 'path', 'child_process', 'crypto', 'os'], message: 'Browser code cannot use Node modules.' },
    { group: ['**/electron/core/**', '../core/**', '../../core/**', '../../../core/**'], message: 'The renderer reaches the core only through window.canvass (the api).' },
    { group: ['better-sqlite3', 'onnxruntime-node', 'sharp'], message: 'Native modules live in the core and native/.' },
  ],
  paths: [{ name: 'electron', message: 'The renderer never imports electron; use window.canvass.' }],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'release/**', 'training/**', 'models/**', '.scratch/**', 'test-results/**', 'bench/.cache/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/ban-ts-comment': 'error',
      'no-unused-expressions': 'off',
      '@typescript-eslint/no-unused-expressions': ['error', { allowShortCircuit: true, allowTernary: true }],
    },
  },
  {
    files: ['electron/core/**/*.ts', 'native/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The core runs under plain Node: never import electron here.' }],
          patterns: [
            { group: ['**/shell/**', '**/host/**', '**/cli/**'], message: 'The core does not depend on a shell.' },
            { group: ['**/api/dispatcher', '**/api/handlers/**'], message: 'The core does not call back into the api door.' },
          ],
        },
      ],
    },
  },
  {
    files: ['electron/api/contract.ts', 'electron/api/spec.ts', 'electron/api/types*.ts', 'electron/api/roles.ts', 'electron/api/commands/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', noNode] },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}', 'electron/host/client.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': ['error', noNode] },
  },
);
