// Compile-time checks of the public types; `tsc` must pass on the good lines and fail on none.
import { createAwsClients, createJobClient, loadPipelineConfig, type JobNameOf } from 'sqs-jobs';
import { jobRegistry } from '../src/jobs.ts';

export async function enqueueFromApp(): Promise<string> {
  const jobs = createJobClient({ registry: jobRegistry, config: loadPipelineConfig(), clients: createAwsClients() });
  const job = await jobs.enqueue('hello.say', { to: 'Ada' });
  // @ts-expect-error a payload of the wrong shape does not compile
  await jobs.enqueue('hello.say', { to: 42 });
  // @ts-expect-error an unknown job name does not compile
  await jobs.enqueue('hello.unknown', {});
  const name: JobNameOf<typeof jobRegistry> = 'hello.say';
  return `${job.id} ${name}`;
}
