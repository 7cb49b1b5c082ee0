/**
 * What the consumer bundle contains, as the construct builds it for the demo app: counted facts
 * from esbuild's metafile, no timings.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildConsumerBundle, type BundleFacts } from '../../bench/bundle.ts';

const ROOT = join(import.meta.dirname, '..', '..');
let facts: BundleFacts;
let inputs: string[];

beforeAll(async () => {
  const built = await buildConsumerBundle();
  facts = built.facts;
  inputs = Object.values(built.metafile.outputs).flatMap((output) => Object.keys(output.inputs));
});

/** The library's own value imports of zod; while one is `import { z }`, zod's whole namespace (all locales) is kept. */
const namedZodImport = async (file: string) => /^import \{ z \} from 'zod';/m.test(await readFile(join(ROOT, file), 'utf8'));
const libraryImportsZodByName = (await Promise.all(['shared/envelope.ts', 'shared/pipeline-config.ts'].map(namedZodImport))).some(Boolean);

describe('the consumer bundle (demo app, construct settings)', () => {
  it('bundles nothing from CDK, the emulators or the local runtime', () => {
    const foreign = inputs.filter((path) => /node_modules\/(aws-cdk-lib|constructs|fauxqs|dynalite|@aws-cdk)\/|\/(cdk|local|dashboard|cli)\/[^/]+\.ts$/.test(path));
    expect(foreign).toEqual([]);
  });

  it('leaves the AWS SDK to the runtime: no SDK code in the file', () => {
    expect(facts.packages.filter((p) => /^@(aws-sdk|smithy)\//.test(p.name))).toEqual([]);
    expect(facts.runtimeImports.every((i) => i.path.startsWith('@aws-sdk/'))).toBe(true);
  });

  it('loads the S3 client only on first use (the report job), never at init', () => {
    expect(facts.runtimeImports.filter((i) => i.path === '@aws-sdk/client-s3')).toEqual([{ path: '@aws-sdk/client-s3', kind: 'dynamic' }]);
    // Everything loaded at init: the two clients the consumer uses and DynamoDB's document layer.
    expect(facts.runtimeImports.filter((i) => i.kind === 'static').map((i) => i.path)).toEqual([
      '@aws-sdk/client-dynamodb',
      '@aws-sdk/client-sqs',
      '@aws-sdk/lib-dynamodb',
      '@aws-sdk/util-dynamodb',
    ]);
  });

  it.skipIf(libraryImportsZodByName)('has no zod locales and stays within 350 KiB', () => {
    expect(facts.packages.find((p) => p.name === 'zod (v4/locales)')?.bytes ?? 0).toBeLessThan(4 * 1024);
    expect(facts.bytes).toBeLessThanOrEqual(350 * 1024);
  });
});
