/**
 * This application's job registry: what the consumers run and the SDK may enqueue.
 *
 * @example
 * const jobs = createJobClient({ registry: jobRegistry, config, clients });
 * await jobs.enqueue('webhook.send', { url: 'https://example.com/hook', event: 'signup' });
 */
import { createJobRegistry } from '../job-registry';
import { alwaysFailsDemoJob, flakyDemoJob, sleepDemoJob } from './demo-jobs';
import { generateReport } from './generate-report';
import { sendWebhook } from './send-webhook';

export const jobRegistry = createJobRegistry([
  generateReport,
  sendWebhook,
  flakyDemoJob,
  alwaysFailsDemoJob,
  sleepDemoJob,
]);

export type AppJobRegistry = typeof jobRegistry;
