/** Builds the package (`dist/`, what `npm pack` ships: tsc output and the dashboard's front end) once before the tests. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  // For a quick run of tests that do not use the build (SQS_JOBS_SKIP_BUILD=1).
  if (process.env.SQS_JOBS_SKIP_BUILD === '1') return;
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: join(import.meta.dirname, '..'), stdio: 'inherit' });
}
