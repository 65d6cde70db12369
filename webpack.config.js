// Bundles the front end (www/) and the wasm modules scripts/build-wasm.sh generates: the page's
// (www/pkg) and the reader's (www/pkg-validate, an asset of its own chunk, fetched on first use:
// www/reader.js). The reader also runs here, in Node, on the scenario files the lab bundles.
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
    // main: the page; raftlab-embed: <raft-lab> for other sites (stable names for copy-paste
    // snippets); frame: embed.html (iframes); docs: docs.html.
    entry: { main: './www/index.js', 'raftlab-embed': './www/embed/index.js', frame: './www/embed/frame.js', docs: './www/docs/index.js' },
    output: {
      path: path.resolve(__dirname, 'dist'),
      filename: (data) => (data.chunk?.name === 'raftlab-embed' || !production ? '[name].js' : '[name].[contenthash:8].js'),
      chunkFilename: production ? '[id].[contenthash:8].js' : '[id].js',
      cssChunkFilename: production ? '[id].[contenthash:8].css' : '[id].css',
      cssFilename: (data) => (data.chunk?.name === 'raftlab-embed' || !production ? '[name].css' : '[name].[contenthash:8].css'),
      webassemblyModuleFilename: production ? '[hash].module.wasm' : '[id].module.wasm',
      // Relative asset URLs: the bundle can be hosted under any sub-path of a docs site.
      publicPath: '',
      clean: true,
    },
    // No eval-based source maps: the page's Content-Security-Policy forbids eval.
    devtool: production ? false : 'source-map',
    experiments: { asyncWebAssembly: true, css: true },
    module: {
      rules: [
        { test: /\.html$/, include: path.resolve(__dirname, 'www/lab'), type: 'asset/source' },
        // Bundled scenarios carry the bytes of their cluster's world, read at build time by the
        // reader's module (scripts/scenario-loader.cjs): the page builds them without the reader.
        { test: /\.json$/, include: path.resolve(__dirname, 'scenarios'), use: path.resolve(__dirname, 'scripts/scenario-loader.cjs') },
      ],
    },
    performance: { hints: false },
    plugins: [
      new HtmlWebpackPlugin({ template: './index.html', favicon: false, chunks: ['main'], templateParameters: { labMarkup: labMarkup() } }),
      new HtmlWebpackPlugin({ template: './www/embed/embed.html', filename: 'embed.html', favicon: false, chunks: ['frame'], templateParameters: { labMarkup: labMarkup() } }),
      new HtmlWebpackPlugin({ template: './www/docs/docs.html', filename: 'docs.html', favicon: false, chunks: ['docs'] }),
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
