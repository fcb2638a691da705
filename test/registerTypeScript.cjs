// Lets mocha load .ts files directly: each file is transpiled by esbuild when first required.
// Type checking is separate (`npm run typecheck`), so this only strips types.
const { transformSync } = require('esbuild');
const fs = require('node:fs');

require.extensions['.ts'] = function loadTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    loader: 'ts', format: 'cjs', target: 'es2022', sourcefile: filename, sourcemap: 'inline',
  });
  module._compile(code, filename);
};
process.setSourceMapsEnabled(true);
