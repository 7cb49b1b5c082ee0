/**
 * This application's recurring jobs. CDK creates one EventBridge Scheduler schedule per entry;
 * the local runtime fires the same entries.
 */
import { defineSchedules } from '../schedules/schedule-catalog.ts';
import { jobRegistry } from './index.ts';

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
