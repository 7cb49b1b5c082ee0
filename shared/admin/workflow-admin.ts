/**
 * Batches and chains for operators: list batches newest first, show one with its progress,
 * cancel one, and name the workflow a job belongs to (for `show <jobId>`).
 *
 * @example
 * const batches = await listBatches(ctx, 20);
 * const view = await showWorkflow(ctx, 'b-…'); // { id, kind: 'batch', status, counts, … }
 * await cancelBatch(ctx, 'b-…');
 */
import { InvalidOptionError, SqsJobsError } from '../errors.ts';
import type { JobRecord } from '../status-store/job-record.ts';
import { createWorkflowStore, toWorkflowRecord } from '../workflows/workflow-store.ts';
import { parseMemberId, type WorkflowRecord, type WorkflowRef } from '../workflows/workflow-types.ts';
import type { AdminContext } from './admin-context.ts';

export class WorkflowNotFoundError extends SqsJobsError {
  constructor(readonly workflowId: string) {
    super(`no batch or chain with id "${workflowId}"`);
  }
}
Object.defineProperty(WorkflowNotFoundError.prototype, 'name', { value: 'WorkflowNotFoundError' });

/** Where a job sits: its workflow, its position there, and the workflow's own parent. */
export interface JobMembership extends WorkflowRef {
  readonly name?: string;
  readonly size: number;
  readonly parent?: WorkflowRef;
}

const storeOf = (ctx: AdminContext) => createWorkflowStore({ documentClient: ctx.clients.dynamodb, tableName: ctx.config.tableName, now: ctx.now });

/** Batches newest first: one index query plus one read per batch. */
export async function listBatches(ctx: AdminContext, limit = 20): Promise<WorkflowRecord[]> {
  return (await storeOf(ctx).list('batch', limit)).map(toWorkflowRecord);
}

export async function showWorkflow(ctx: AdminContext, id: string): Promise<WorkflowRecord> {
  const item = await storeOf(ctx).get(id);
  if (!item) throw new WorkflowNotFoundError(id);
  return toWorkflowRecord(item);
}

/** Members not started are skipped when delivered; running ones finish. */
export async function cancelBatch(ctx: AdminContext, id: string): Promise<{ id: string; cancelled: boolean; detail: string }> {
  const wf = storeOf(ctx);
  const item = await wf.get(id);
  if (!item || item.kind !== 'batch') throw new WorkflowNotFoundError(id);
  if (await wf.cancelBatch(id)) return { id, cancelled: true, detail: 'members not started yet will be skipped; running ones finish' };
  throw new InvalidOptionError(`batch ${id} has finished; there is nothing to cancel`);
}

/**
 * The workflow a job belongs to: from a failed record's kept membership, else from the job id
 * (`<workflow>.<position>`), confirmed by the workflow's item. One read; none for plain ids.
 */
export async function membershipOfJob(ctx: AdminContext, job: Pick<JobRecord, 'id' | 'overrides'>): Promise<JobMembership | undefined> {
  const kept = job.overrides?.wf;
  const parsed = kept ? { workflowId: kept.id, at: kept.at } : parseMemberId(job.id);
  if (!parsed) return undefined;
  const item = await storeOf(ctx).get(parsed.workflowId, false);
  if (!item) return undefined;
  const record = toWorkflowRecord(item);
  return {
    kind: item.kind,
    id: item.wfId,
    at: parsed.at,
    size: record.counts?.total ?? record.steps ?? 0,
    ...(item.name !== undefined ? { name: item.name } : {}),
    ...(item.parent !== undefined ? { parent: item.parent } : {}),
  };
}
