export { jobRegistry, schedules } from './src/jobs.ts';
