/**
 * Publishes job events to an EventBridge bus with PutEvents, up to 10 entries per call.
 * `@aws-sdk/client-eventbridge` is loaded on first use, and only when a bus is configured,
 * so a consumer without events neither bundles nor loads it. Tests and custom transports pass
 * their own `putEvents`.
 *
 * @example
 * const publisher = createEventBridgePublisher({ busName: process.env.SQS_JOBS_EVENT_BUS! });
 * await publisher.publish([{ version: 1, type: 'job.completed', … }]);
 */
import { clientSettings } from '../aws-clients.ts';
import { JOB_EVENTS_SOURCE, type EventPublisher, type JobEvent } from './job-events.ts';

/** The environment variable naming the bus on the consumer (set by the CDK construct). */
export const ENV_EVENT_BUS = 'SQS_JOBS_EVENT_BUS';

const PUT_EVENTS_ENTRIES = 10;

export interface PutEventsEntry {
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: string;
  readonly EventBusName: string;
  readonly Time?: Date;
}

/** One PutEvents call; resolves with the number of entries EventBridge refused. */
export type PutEvents = (entries: readonly PutEventsEntry[]) => Promise<number>;

export interface EventBridgePublisherOptions {
  readonly busName: string;
  /** @defaultValue PutEvents with @aws-sdk/client-eventbridge and the pipeline's client timeouts */
  readonly putEvents?: PutEvents;
}

export function createEventBridgePublisher(options: EventBridgePublisherOptions): EventPublisher {
  let put = options.putEvents;
  return {
    async publish(events: readonly JobEvent[]) {
      put ??= await sdkPutEvents();
      let refused = 0;
      for (let start = 0; start < events.length; start += PUT_EVENTS_ENTRIES) {
        const entries = events.slice(start, start + PUT_EVENTS_ENTRIES).map((event) => ({
          Source: JOB_EVENTS_SOURCE,
          DetailType: event.type,
          Detail: JSON.stringify(event),
          EventBusName: options.busName,
          Time: new Date(event.at),
        }));
        refused += await put(entries);
      }
      if (refused > 0) throw new Error(`EventBridge refused ${refused} of ${events.length} event(s)`);
    },
  };
}

/** PutEvents through the AWS SDK client, imported on first use so that consumers without a bus never load it. */
async function sdkPutEvents(): Promise<PutEvents> {
  const moduleName = '@aws-sdk/client-eventbridge';
  let sdk: { EventBridgeClient: new (config: object) => { send(command: unknown): Promise<{ FailedEntryCount?: number }> }; PutEventsCommand: new (input: object) => unknown };
  try {
    sdk = (await import(moduleName)) as typeof sdk;
  } catch (error) {
    throw new Error(`${moduleName} could not be loaded to publish job events to EventBridge`, { cause: error });
  }
  const client = new sdk.EventBridgeClient(clientSettings());
  return async (entries) => {
    const response = await client.send(new sdk.PutEventsCommand({ Entries: entries }));
    return response.FailedEntryCount ?? 0;
  };
}
