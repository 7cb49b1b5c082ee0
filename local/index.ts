/**
 * `sqs-jobs/local`: the whole pipeline in-process on embedded AWS emulators (fauxqs, dynalite;
 * optional peer dependencies), for an app's tests and `sqs-jobs dev`. The same consumer code as
 * on Lambda, the real AWS SDK, no Docker.
 *
 * @example
 * import { startLocalRuntime } from 'sqs-jobs/local';
 * const rt = await startLocalRuntime({ registry: jobRegistry });
 * const job = await rt.jobs.enqueue('hello.say', { to: 'Ada' });
 * const record = await rt.jobs.waitFor(job.id);   // completed, failed or cancelled
 * await rt.stop();
 */
export { ENV_TARGET, startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from './runtime.ts';
export { EMULATOR_INSTALL_HINT } from './emulator-packages.ts';
export { startEmulators, type EmulatorEndpoints, type RunningEmulators, type StartEmulatorsOptions } from './emulators.ts';
export { addDevOptions, startDev, type DevApp, type DevOptions, type DevSession } from './dev-command.ts';
export { createLocalLogger, logLevels, type LogLevel } from './local-logger.ts';
export type { LocalScheduler, ScheduleFire, TickSent } from './scheduler.ts';
