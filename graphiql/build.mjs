// Bundles GraphiQL (src/main.jsx, with the example queries of examples/) into one script and one
// style sheet with content-hashed names, in the directory given as the first argument (build.rs
// passes a folder of Cargo's OUT_DIR). Everything comes from node_modules: no network at run time.
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const outdir = process.argv[2];
if (!outdir) {
  console.error('usage: node build.mjs <output directory>');
  process.exit(2);
}

// examples/*.graphql, in file name order. The first comment line is the title, the other
// comment lines the description; the whole file (comments included) is the tab's query.
function readExamples() {
  const folder = join(here, 'examples');
  return readdirSync(folder)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => {
      const query = readFileSync(join(folder, file), 'utf8');
      const comments = query
        .split('\n')
        .filter((line) => line.startsWith('#'))
        .map((line) => line.replace(/^#\s?/, ''));
      if (comments.length === 0) {
        throw new Error(`examples/${file}: the first line must be a "# title" comment`);
      }
      return { file, title: comments[0], description: comments.slice(1).join(' '), query };
    });
}

const examplesModule = {
  name: 'mali-admin-examples',
  setup(esbuild) {
    esbuild.onResolve({ filter: /^mali-admin:examples$/ }, (args) => ({
      path: args.path,
      namespace: 'mali-admin',
    }));
    esbuild.onLoad({ filter: /.*/, namespace: 'mali-admin' }, () => ({
      contents: `export default ${JSON.stringify(readExamples())};`,
      loader: 'js',
    }));
  },
};

rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: here,
  entryPoints: { graphiql: 'src/main.jsx' },
  outdir,
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  jsx: 'automatic',
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.png': 'file', '.svg': 'file' },
  plugins: [examplesModule],
  logLevel: 'warning',
});
