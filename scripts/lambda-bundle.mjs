// One esbuild setup for pr-env's Lambda functions (the production share's, the wake page's):
// CommonJS, which Lambda loads from index.js; Node.js 22; the AWS SDK left out, since the runtime
// provides it; minified.
import { build } from 'esbuild';

/** The bundled source of `entry`, as bytes. */
export async function bundleLambda(entry) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'cjs',
    platform: 'node',
    target: 'node22',
    external: ['@aws-sdk/*'],
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  return result.outputFiles[0].contents;
}
