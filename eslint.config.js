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
  // Type-aware rules for the TypeScript files (each file is typed by its own tsconfig: tsconfig.json,
  // renderer/ and e2e/): a promise nobody awaits or catches, an async callback where a void one is
  // expected (an event handler, a React attribute), an await of something that is not a promise. A
  // fire-and-forget call is written `void f()` and handles its own errors. The JS config files stay untyped.
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parserOptions: {
        // renderer/vite.config.ts is in no tsconfig (renderer/tsconfig.json types the page, not its build).
        projectService: { allowDefaultProject: ['renderer/vite.config.ts'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
    },
  },
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
