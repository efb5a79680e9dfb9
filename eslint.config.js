// Lint, and the layer map of DESIGN.md rule 1 as an allow-list (eslint-rules/layers.js): every file sits in
// a layer that says what it may import, a file no layer covers is an error, and a forbidden import fails
// `npm test`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import layers from './eslint-rules/layers.js';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'docs/**', 'bench/results/**', '.cache/**', 'test-results*/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs', '**/*.cjs'],
    plugins: { local: layers },
    rules: { 'local/layers': 'error' },
  },
);
