/**
 * The esbuild settings of every pipeline function (consumers and the delay dispatcher), as plain
 * data so the bench builds exactly what the construct deploys (`bench/bundle.ts`) without loading
 * aws-cdk-lib.
 *
 * The AWS SDK v3 is left to the runtime: nodejs24.x ships it, so a function carries only the
 * app's code, the package's code, zod and Powertools (~180 KiB minified for the demo instead of
 * ~1 MiB), and a client the app imports with `await import('@aws-sdk/client-s3')` is loaded only by
 * the function whose job first runs it. The price: a function runs the runtime's SDK version,
 * not the one the tests ran against (AWS updates it with the runtime).
 *
 * @example
 * await esbuild.build({ ...CONSUMER_ESBUILD, entryPoints: ['consumer.ts'], outfile: 'index.mjs' });
 */

/** Packages the runtime provides; imports of them stay imports. */
export const RUNTIME_PROVIDED_MODULES: readonly string[] = ['@aws-sdk/*', '@smithy/*'];

/** CommonJS dependencies inside an ESM bundle still call require(). */
export const ESM_REQUIRE_BANNER = "import{createRequire}from'node:module';const require=createRequire(import.meta.url);";

/** The same settings in esbuild's own terms (what CDK's NodejsFunction passes to esbuild). */
export const CONSUMER_ESBUILD = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  minify: true,
  sourcemap: 'external',
  sourcesContent: false,
  mainFields: ['module', 'main'],
  external: [...RUNTIME_PROVIDED_MODULES],
  banner: { js: ESM_REQUIRE_BANNER },
} as const;
