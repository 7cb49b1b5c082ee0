// The app's own test: its job on the embedded emulators, then the installed CLI against them.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startLocalRuntime } from 'sqs-jobs/local';
import { jobRegistry } from '../src/jobs.ts';

test('hello.say completes on the local runtime and the CLI shows it', async () => {
  const rt = await startLocalRuntime({ registry: jobRegistry });
  try {
    const job = await rt.jobs.enqueue('hello.say', { to: 'Ada' });
    const record = await rt.jobs.waitFor(job.id, { timeoutMs: 30_000 });
    assert.equal(record.status, 'completed');
    assert.deepEqual(record.result, { greeted: 'Ada' });

    // Asynchronously: the emulators answer from this process's event loop.
    const { stdout: out } = await promisify(execFile)('node_modules/.bin/sqs-jobs', ['--config', 'sqs-jobs.config.ts', '--json', 'show', job.id], {
      env: { PATH: process.env.PATH ?? '', ...rt.environment },
      encoding: 'utf8',
      timeout: 60_000,
    });
    const shown = JSON.parse(out) as { job: { status: string; name: string } };
    assert.equal(shown.job.status, 'completed');
    assert.equal(shown.job.name, 'hello.say');
  } finally {
    await rt.stop();
  }
});
