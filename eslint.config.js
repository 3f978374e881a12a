import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import reactHooks from 'eslint-plugin-react-hooks';
import { builtinModules } from 'node:module';

/** The layering of ARCHITECTURE.md: for each folder, the folders it must never import. */
const LAYERS = {
  core: ['db', 'app', 'native', 'electron', 'renderer', 'cli'],
  db: ['app', 'native', 'electron', 'renderer', 'cli'],
  native: ['db', 'app', 'electron', 'renderer', 'cli'],
  app: ['electron', 'renderer', 'cli'],
  cli: ['db', 'native', 'electron', 'renderer'],
  'electron/main': ['cli', 'renderer', 'db', 'native', 'electron/preload'],
  'electron/preload': ['core', 'db', 'app', 'native', 'electron/main', 'renderer', 'cli'],
  'electron/common': ['db', 'app', 'native', 'electron/main', 'electron/preload', 'renderer', 'cli'],
  renderer: ['core', 'db', 'app', 'native', 'electron/main', 'electron/preload', 'cli'],
};

const zones = Object.entries(LAYERS).flatMap(([target, forbidden]) =>
  forbidden.map((from) => ({ target: `./${target}`, from: `./${from}`, message: `layering: ${target} must not import ${from} (see ARCHITECTURE.md)` })),
);

const NODE_BUILTINS = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['.tmp/**', 'node_modules/**', 'dist/**', 'out/**', 'test/fixtures/layering-violation/**', 'renderer/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { files: ['**/*.{js,mjs,cjs}'], languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } } },
  {
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones, basePath: import.meta.dirname }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['core/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [...NODE_BUILTINS, 'electron', 'better-sqlite3', 'react'].map((name) => ({ name, message: 'core is pure: no I/O, Node, Electron or UI imports' })) }],
    },
  },
  {
    files: ['renderer/src/**/*.{ts,tsx}', 'electron/common/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [...NODE_BUILTINS, 'electron', 'better-sqlite3'].map((name) => ({ name, message: 'runs in the sandboxed renderer: no Node or Electron imports' })) }],
    },
  },
  {
    files: ['renderer/src/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    // Tests may reach across layers to set up and inspect what they test.
    files: ['**/*.test.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'import-x/no-restricted-paths': 'off' },
  },
);
