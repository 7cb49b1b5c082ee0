// The app's own jobs, written as the README tells a new user to.
import { z } from 'zod';
import { createJobRegistry, defineJob, defineSchedules } from 'sqs-jobs';

export const hello = defineJob({
  name: 'hello.say',
  class: 'default',
  schema: z.object({ to: z.string() }),
  async handle(p) {
    return { greeted: p.to };
  },
});

export const jobRegistry = createJobRegistry([hello]);
export const schedules = defineSchedules(jobRegistry, []);
