/** What every admin operation works with; built once by `createAdmin`. */
import type { AwsClients } from '../aws-clients.ts';
import type { JobRegistry } from '../job-registry.ts';
import type { PipelineConfig } from '../pipeline-config.ts';
import type { StatusStore } from '../status-store/status-store.ts';
import type { EventSourceControl } from './pause-classes.ts';

export interface AdminContext {
  readonly registry: JobRegistry;
  readonly config: PipelineConfig;
  readonly clients: AwsClients;
  readonly store: StatusStore;
  /** Classes with queues in `config`. */
  readonly classNames: readonly string[];
  readonly now: () => number;
  /** On AWS: switches the classes' event source mappings for pause/resume; absent locally. */
  readonly eventSources?: EventSourceControl;
}

/** The outcome of an admin action on one job: what changed, or why nothing did. */
export type JobActionResult =
  | { readonly id: string; readonly ok: true; readonly detail: string }
  | { readonly id: string; readonly ok: false; readonly error: string };
