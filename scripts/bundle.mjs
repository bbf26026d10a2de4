// Bundles the three entry points into self-contained CommonJS files in dist/: the VSIX ships
// without node_modules (vsce --no-dependencies) and the CLI's bin loads dist/cli.cjs.
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node18',
  sourcemap: true,
  logLevel: 'warning',
  absWorkingDir: root,
  // The sources are ESM and some read import.meta.url to find files next to them. CommonJS has
  // no import.meta, so give it the bundle's own URL instead of the empty object esbuild would.
  define: { 'import.meta.url': '__kcgImportMetaUrl' },
  // yaml's Node entry is CommonJS, which esbuild wraps so that every use of an export (isMap,
  // Scalar, …) goes through a getter; its ES module build is the same code with direct bindings.
  // (It logs warnings with console.warn instead of process.emitWarning: stderr either way.)
  alias: { yaml: './node_modules/yaml/browser/index.js' },
  banner: { js: 'var __kcgImportMetaUrl = require("url").pathToFileURL(__filename).href;' },
};

await Promise.all([
  build({
    ...common,
    entryPoints: ['client/src/extension.ts'],
    outfile: 'dist/extension.cjs',
    external: ['vscode'],
  }),
  build({
    ...common,
    // server.ts only exports startServer (the CLI's `lsp` command imports it too), so the
    // server bundle gets a two-line entry that starts it.
    stdin: {
      contents: "import { startServer } from './server/src/server.js';\nstartServer();\n",
      resolveDir: root,
      sourcefile: 'server-main.ts',
      loader: 'ts',
    },
    outfile: 'dist/server.cjs',
  }),
  build({
    ...common,
    entryPoints: ['server/src/cli.ts'],
    outfile: 'dist/cli.cjs',
  }),
]);
