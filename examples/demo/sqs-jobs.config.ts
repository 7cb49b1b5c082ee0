// What `sqs-jobs` (the CLI) and `sqs-jobs dev` operate on: run them from this directory, or pass
// `--config examples/demo/sqs-jobs.config.ts`.
export { jobRegistry, schedules } from './src/jobs.ts';
