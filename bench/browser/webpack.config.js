// Builds the browser benchmark page (dist-bench/): the release wasm facade plus a few timing
// helpers the Playwright runner calls. Not part of the product bundle.
const path = require('node:path');
const HtmlWebpackPlugin = require('html-webpack-plugin');

const root = path.resolve(__dirname, '../..');

module.exports = {
  mode: 'production',
  context: root,
  entry: { bench: './bench/browser/page.js' },
  output: { path: path.join(root, 'dist-bench'), filename: '[name].js', publicPath: '', clean: true },
  devtool: false,
  experiments: { asyncWebAssembly: true },
  performance: { hints: false },
  plugins: [new HtmlWebpackPlugin({ template: './bench/browser/page.html', favicon: false })],
};
