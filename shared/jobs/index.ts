/**
 * This application's job registry: what the consumers run and the SDK may enqueue.
 *
 * @example
 * const jobs = createJobClient({ registry: jobRegistry, config, clients });
 * await jobs.enqueue('webhook.send', { url: 'https://example.com/hook', event: 'signup' });
 */
import { createJobRegistry } from '../job-registry.ts';
import { alwaysFailsDemoJob, flakyDemoJob, sleepDemoJob } from './demo-jobs.ts';
import { generateReport } from './generate-report.ts';
import { sendWebhook } from './send-webhook.ts';

export const jobRegistry = createJobRegistry([
  generateReport,
  sendWebhook,
  flakyDemoJob,
  alwaysFailsDemoJob,
  sleepDemoJob,
]);

export type AppJobRegistry = typeof jobRegistry;
