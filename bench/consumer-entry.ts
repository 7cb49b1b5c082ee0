// The consumer entry the construct generates for the demo app: its registry under the handler factory.
import { createConsumerHandler } from '../lambdas/index.ts';
import { jobRegistry } from '../examples/demo/src/jobs.ts';

export const handler = createConsumerHandler(jobRegistry);
