/** Builds the package (`dist/`, what `npm pack` ships) once before the tests that run it. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  // For a quick run of tests that do not spawn the build (SQS_JOBS_SKIP_BUILD=1).
  if (process.env.SQS_JOBS_SKIP_BUILD === '1') return;
  const root = join(import.meta.dirname, '..');
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
}
