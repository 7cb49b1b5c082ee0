/**
 * `sqs-jobs/dashboard`: the operators' web dashboard over the admin functions, served on
 * 127.0.0.1 behind a random token (what `sqs-jobs dashboard` runs).
 *
 * @example
 * import { startDashboard } from 'sqs-jobs/dashboard';
 * const dashboard = await startDashboard({ admin, registry, schedules, config });
 * console.log(dashboard.url); // http://127.0.0.1:<port>/?token=…
 */
export { startDashboard, type Dashboard, type DashboardOptions } from './server.ts';
