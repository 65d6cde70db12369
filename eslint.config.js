// ESLint flat config: browser ES modules in www/, Node scripts and tests elsewhere.
const js = require('@eslint/js');
const globals = require('globals');

module.exports = [
  { ignores: ['dist/', 'dist-bench/', 'target/', 'node_modules/', 'www/pkg/', 'www/pkg-validate/', 'test-results/', 'bench/raft-compare/target/'] },
  js.configs.recommended,
  {
    files: ['www/**/*.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser } },
  },
  {
    files: ['www/tests/**/*.js', 'scripts/**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
  },
  {
    // e2e tests run in Node but pass callbacks that run in the page.
    files: ['e2e/**/*.mjs'],
    languageOptions: { sourceType: 'module', globals: { ...globals.node, ...globals.browser } },
  },
  {
    // The browser benchmark: a page (ES module in the browser), its webpack config, its runner.
    files: ['bench/browser/page.js', 'bench/browser/search-worker.js'],
    languageOptions: { sourceType: 'module', globals: { ...globals.browser, ...globals.worker } },
  },
  {
    files: ['bench/browser/webpack.config.js'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
  },
  {
    files: ['bench/*.mjs'],
    languageOptions: { sourceType: 'module', globals: { ...globals.node } },
  },
  {
    files: ['bench/browser/*.mjs'],
    languageOptions: { sourceType: 'module', globals: { ...globals.node, ...globals.browser } },
  },
  {
    files: ['*.js', 'scripts/**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...globals.node } },
  },
  {
    rules: {
      'no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error',
        { property: 'innerHTML', message: 'Use textContent / createElement: outside text must never become markup.' },
        { property: 'outerHTML', message: 'Use textContent / createElement.' },
        { property: 'insertAdjacentHTML', message: 'Use createElement.' }],
      'no-eval': 'error',
      'no-implied-eval': 'error',
    },
  },
];
