/**
 * The demo app's job registry and schedules: what its consumers run, what its SDK may enqueue,
 * what EventBridge Scheduler fires. `sqs-jobs.config.ts`, the CDK app and the local demo all
 * read this one module.
 *
 * @example
 * const jobs = createJobClient({ registry: jobRegistry, config: loadPipelineConfig(), clients: createAwsClients() });
 * await jobs.enqueue('webhook.send', { url: 'https://example.com/hook', event: 'signup' });
 */
import { createJobRegistry, defineSchedules } from 'sqs-jobs';
import { alwaysFailsDemoJob, flakyDemoJob, sleepDemoJob } from './jobs/demo-jobs.ts';
import { generateReport } from './jobs/generate-report.ts';
import { sendWebhook } from './jobs/send-webhook.ts';

export const jobRegistry = createJobRegistry([generateReport, sendWebhook, flakyDemoJob, alwaysFailsDemoJob, sleepDemoJob]);

export type DemoJobRegistry = typeof jobRegistry;

export const schedules = defineSchedules(jobRegistry, [
  {
    name: 'nightly-sales-report',
    description: 'The sales CSV, every night at 02:00 Berlin time',
    expression: 'cron(0 2 * * ? *)',
    timezone: 'Europe/Berlin',
    job: 'report.generate',
    payload: { reportId: 'nightly-sales', rows: 1000 },
    overlap: 'skip',
  },
  {
    name: 'heartbeat',
    description: 'A tiny job every five minutes, so a stalled consumer shows up in the metrics',
    expression: 'rate(5 minutes)',
    job: 'demo.sleep',
    payload: { ms: 10 },
    overlap: 'skip',
  },
]);
