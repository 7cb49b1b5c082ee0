/**
 * Example job doing real work: renders a CSV report and stores it in S3.
 * The bucket comes from `DEMO_REPORT_BUCKET`.
 *
 * The S3 client is imported on first use: the consumers leave the AWS SDK to the Lambda runtime,
 * so only the function that runs this job (the `reports` class) ever loads it.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import * as z from 'zod';
import { defineJob, NonRetryableError } from 'sqs-jobs';

export const REPORT_BUCKET_ENV = 'DEMO_REPORT_BUCKET';

let s3: Promise<{ client: S3Client; PutObjectCommand: typeof import('@aws-sdk/client-s3').PutObjectCommand }> | undefined;
function s3Client() {
  s3 ??= import('@aws-sdk/client-s3').then(({ S3Client, PutObjectCommand }) => ({
    // Emulators (and LocalStack) serve S3 path-style only.
    client: new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL) }),
    PutObjectCommand,
  }));
  return s3;
}

export const generateReport = defineJob({
  name: 'report.generate',
  class: 'reports',
  schema: z.object({
    reportId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, "_" or "-" (1–64)'),
    rows: z.number().int().min(1).max(100_000),
  }),
  async handle({ reportId, rows }, ctx) {
    const bucket = process.env[REPORT_BUCKET_ENV];
    if (!bucket) throw new NonRetryableError(`${REPORT_BUCKET_ENV} is not set`);
    const lines = ['row,label,value'];
    for (let row = 1; row <= rows; row++) lines.push(`${row},item-${row},${(row * 7) % 101}`);
    const body = `${lines.join('\n')}\n`;
    const key = `reports/${reportId}.csv`;
    const { client, PutObjectCommand } = await s3Client();
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'text/csv' }),
      { abortSignal: ctx.signal },
    );
    ctx.logger.info('report written', { bucket, key, rows });
    return { bucket, key, bytes: Buffer.byteLength(body) };
  },
});
