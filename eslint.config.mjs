// Layering (STYLE.md §1): extension → engine, protocol; webview → protocol; cli → engine.
// The engine and the protocol never reach up into the editor.
import tseslint from 'typescript-eslint';

const layer = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.e2e/**', 'data/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  layer(['src/engine/**'], [
    { group: ['vscode'], message: 'The engine is plain Node: it never imports vscode.' },
    { group: ['**/extension/**', '**/webview/**', '**/cli/**', '**/protocol/**'], message: 'The engine imports nothing above it.' },
  ]),
  layer(['src/engine/powerSources/**'], [
    { group: ['vscode'], message: 'The engine is plain Node: it never imports vscode.' },
    { group: ['**/reports/**', '**/extension/**', '**/webview/**', '**/cli/**'], message: 'Power sources and reports never import each other.' },
  ]),
  layer(['src/engine/reports/**'], [
    { group: ['vscode'], message: 'The engine is plain Node: it never imports vscode.' },
    { group: ['**/powerSources/**', '**/extension/**', '**/webview/**', '**/cli/**'], message: 'Power sources and reports never import each other.' },
  ]),
  layer(['src/protocol/**'], [
    { group: ['vscode', 'node:*', '**/engine/**', '**/extension/**', '**/webview/**', '**/cli/**'], message: 'The protocol imports nothing.' },
  ]),
  layer(['src/cli/**'], [
    { group: ['vscode', '**/extension/**', '**/webview/**'], message: 'The CLI drives the engine only.' },
  ]),
  layer(['src/webview/**'], [
    { group: ['vscode', 'node:*', '**/engine/**', '**/extension/**', '**/cli/**'], message: 'The webview only speaks the protocol.' },
  ]),
  { files: ['**/*.cjs'], rules: { '@typescript-eslint/no-require-imports': 'off' }, languageOptions: { globals: { require: 'readonly', module: 'writable', process: 'readonly' } } },
  { files: ['scripts/**/*.mjs', '*.mjs'], languageOptions: { globals: { process: 'readonly', console: 'readonly' } } },
);
