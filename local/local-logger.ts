/**
 * A structured JSON-lines logger for the local runtime, with the same call shape as the one the
 * consumer gets in Lambda (Powertools). Lines go to a writer of the caller's choice (a file for
 * the demo, so the terminal stays readable; stderr with `--verbose`).
 *
 * @example
 * const logger = createLocalLogger({ level: 'info', write: (line) => process.stderr.write(line) });
 */
import type { JobLogger } from '../shared/define-job.ts';

export const logLevels = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

export function createLocalLogger(options: {
  level: LogLevel;
  write: (line: string) => void;
  keys?: Record<string, unknown>;
}): JobLogger {
  const threshold = logLevels.indexOf(options.level);
  const emit = (level: Exclude<LogLevel, 'silent'>) => (message: string, extra?: Record<string, unknown>) => {
    if (logLevels.indexOf(level) < threshold) return;
    options.write(
      `${JSON.stringify({ level: level.toUpperCase(), timestamp: new Date().toISOString(), message, ...options.keys, ...extra })}\n`,
    );
  };
  return { debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export function isLogLevel(value: string): value is LogLevel {
  return (logLevels as readonly string[]).includes(value);
}
