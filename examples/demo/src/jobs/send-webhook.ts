/**
 * Example job doing real work: POSTs a JSON event to a URL. Client errors (4xx other than
 * 408 and 429) will not improve with retries, so they fail the job at once.
 */
import * as z from 'zod';
import { defineJob, NonRetryableError } from 'sqs-jobs';

const RETRYABLE_CLIENT_STATUSES = new Set([408, 429]);

export const sendWebhook = defineJob({
  name: 'webhook.send',
  class: 'notifications',
  timeoutSeconds: 30,
  schema: z.object({
    url: z.url({ protocol: /^https?$/ }),
    event: z.string().min(1).max(100),
    data: z.record(z.string(), z.unknown()).default({}),
  }),
  async handle({ url, event, data }, ctx) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sqs-jobs-id': ctx.jobId },
      body: JSON.stringify({ event, data, jobId: ctx.jobId, attempt: ctx.attempt }),
      signal: ctx.signal,
    });
    await response.body?.cancel();
    if (response.ok) return { status: response.status };
    const message = `webhook ${url} answered HTTP ${response.status}`;
    if (response.status < 500 && !RETRYABLE_CLIENT_STATUSES.has(response.status)) {
      throw new NonRetryableError(message);
    }
    throw new Error(message);
  },
});
