// Bundles the front end (www/) and the wasm module generated into www/pkg by scripts/build-wasm.sh.
const path = require('node:path');
const fs = require('node:fs');
const HtmlWebpackPlugin = require('html-webpack-plugin');

const DEFAULT_PORT = 8080;

/** The lab's markup, shared by index.html (at build time) and <raft-lab> / embed.html (bundled). */
const labMarkup = () => fs.readFileSync(path.resolve(__dirname, 'www/lab/markup.html'), 'utf8');

module.exports = (_env, argv) => {
  const production = argv.mode === 'production';
  return {
    mode: production ? 'production' : 'development',
    entry: { main: './www/index.js' },
    output: {
      path: path.resolve(__dirname, 'dist'),
      filename: production ? '[name].[contenthash:8].js' : '[name].js',
      webassemblyModuleFilename: production ? '[hash].module.wasm' : '[id].module.wasm',
      // Relative asset URLs: the bundle can be hosted under any sub-path of a docs site.
      publicPath: '',
      clean: true,
    },
    // No eval-based source maps: the page's Content-Security-Policy forbids eval.
    devtool: production ? false : 'source-map',
    experiments: { asyncWebAssembly: true, css: true },
    module: { rules: [{ test: /\.html$/, include: path.resolve(__dirname, 'www'), type: 'asset/source' }] },
    performance: { hints: false },
    plugins: [
      new HtmlWebpackPlugin({ template: './index.html', favicon: false, templateParameters: { labMarkup: labMarkup() } }),
    ],
    devServer: {
      host: '127.0.0.1',
      port: Number(process.env.PORT) || DEFAULT_PORT,
      static: false,
      hot: false,
      liveReload: true,
      client: { overlay: { errors: true, warnings: false } },
      watchFiles: ['www/**/*', 'index.html'],
    },
  };
};
