/**
 * Workflow items in the job table: per batch or chain a small state item keyed `wf#<id>`
 * (status, counters, position: what every member's advance writes, so each write stays at one
 * unit for all but the largest batches) and its immutable definition keyed `wf#<id>#def`
 * (steps, callbacks, parent: written once, read through a per-process cache). A state item sits
 * in the byStatus index under a partition of its own (`sqs-jobs:batch`, `sqs-jobs:chain`, which
 * no job status reads), sorted by creation, so `sqs-jobs batches` lists them newest first; its
 * index keys never change, so the counter updates write nothing to the index.
 *
 * Exactly-once counting without transactions (DynamoDB Local emulators have none): a batch
 * item keeps the indexes of its settled members in number sets (`ok`, `bad`, `off`), and a
 * member is counted by one conditional UpdateItem that adds its index to a set and bumps the
 * counter only if the index is in no set yet. A repeated count (duplicate delivery, a crash
 * before the message was deleted) fails the condition and changes nothing.
 *
 * @example
 * const wf = createWorkflowStore({ documentClient, tableName });
 * const { counted, item } = await wf.countMember('b-1', 3, 'completed');
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { jobTable } from '../job-table.ts';
import { putIfAbsent } from '../status-store/put-if-absent.ts';
import { pipelineSettings } from '../pipeline-settings.ts';
import type { BatchCallbacks, BatchCounts, CallbackSpec, ChainSpec, MemberOutcome, WorkflowKind, WorkflowRecord, WorkflowRef } from './workflow-types.ts';

export const WORKFLOW_KEY_PREFIX = 'wf#';
export const workflowClass = (kind: WorkflowKind) => `sqs-jobs:${kind}`;
export const workflowKey = (id: string) => `${WORKFLOW_KEY_PREFIX}${id}`;

/** The stored batch or chain item. Sets hold member indexes; absent when empty. */
export interface WorkflowItem {
  readonly id: string;
  readonly wfId: string;
  readonly kind: WorkflowKind;
  readonly class: string;
  /** Creation time (the byClass sort key). */
  readonly enqueuedAt: string;
  readonly name?: string;
  readonly status: 'running' | 'completed' | 'failed' | 'cancelled';
  readonly parent?: WorkflowRef;
  readonly finishedAt?: string;
  readonly cancelledAt?: string;
  readonly expiresAt: number;
  // batches
  readonly total?: number;
  readonly completed?: number;
  readonly failed?: number;
  readonly cancelled?: number;
  readonly allowFailures?: boolean;
  readonly ok?: Set<number>;
  readonly bad?: Set<number>;
  readonly off?: Set<number>;
  // chains
  /** Steps in all. */
  readonly steps?: number;
  readonly position?: number;
  readonly reason?: string;
}

const OUTCOME_SET = { completed: 'ok', failed: 'bad', cancelled: 'off' } as const;

export function countsOf(item: WorkflowItem): BatchCounts {
  const total = item.total ?? 0;
  const completed = item.completed ?? 0;
  const failed = item.failed ?? 0;
  const cancelled = item.cancelled ?? 0;
  return { total, completed, failed, cancelled, pending: total - completed - failed - cancelled };
}

/** What never changes after a workflow starts; JSON strings, so no payload nesting limit applies. */
export interface WorkflowDefinition {
  readonly stepsJson?: string;
  readonly callbacksJson?: string;
  readonly parent?: WorkflowRef;
}

export interface ParsedDefinition {
  readonly steps: ChainSpec['steps'];
  readonly callbacks: BatchCallbacks & { then?: CallbackSpec };
  readonly parent?: WorkflowRef;
}

const parseDefinition = (def: WorkflowDefinition): ParsedDefinition => ({
  steps: def.stepsJson ? (JSON.parse(def.stepsJson) as ChainSpec['steps']) : [],
  callbacks: def.callbacksJson ? (JSON.parse(def.callbacksJson) as BatchCallbacks) : {},
  ...(def.parent ? { parent: def.parent } : {}),
});

/** Definitions kept per process; they never change, so the cache needs no invalidation. */
const DEFINITION_CACHE_SIZE = 500;

/** The public view of an item. */
export function toWorkflowRecord(item: WorkflowItem): WorkflowRecord {
  const base = {
    id: item.wfId,
    kind: item.kind,
    createdAt: item.enqueuedAt,
    ...(item.name !== undefined ? { name: item.name } : {}),
    ...(item.finishedAt !== undefined ? { finishedAt: item.finishedAt } : {}),
    ...(item.cancelledAt !== undefined ? { cancelledAt: item.cancelledAt } : {}),
    ...(item.parent !== undefined ? { parent: item.parent } : {}),
  };
  if (item.kind === 'chain') {
    return {
      ...base,
      status: item.status,
      steps: item.steps ?? 0,
      position: item.position ?? 0,
      ...(item.reason !== undefined ? { reason: item.reason } : {}),
    };
  }
  const counts = countsOf(item);
  return { ...base, status: batchStatus(item, counts), counts, allowFailures: item.allowFailures === true };
}

function batchStatus(item: WorkflowItem, counts: BatchCounts): WorkflowRecord['status'] {
  if (counts.pending > 0) return 'running';
  if (item.cancelledAt !== undefined && counts.cancelled > 0) return 'cancelled';
  return counts.completed === counts.total ? 'completed' : 'failed';
}

export interface WorkflowStoreOptions {
  readonly documentClient: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly now?: () => number;
}

export type WorkflowStore = ReturnType<typeof createWorkflowStore>;

export function createWorkflowStore(options: WorkflowStoreOptions) {
  const { documentClient: db, tableName } = options;
  const now = options.now ?? Date.now;
  const isoNow = () => new Date(now()).toISOString();
  const expiresAt = () => Math.floor(now() / 1000) + pipelineSettings.retention.unfinishedDays * 86_400;

  const definitions = new Map<string, ParsedDefinition>();

  /** A conditional put; false when the item exists already (a repeated start). */
  const putNew = (item: Record<string, unknown>) => putIfAbsent(db, tableName, item);

  /** Puts the definition, then the state item (so a state item always has its definition). */
  async function create(
    item: Omit<WorkflowItem, 'id' | 'class' | 'enqueuedAt' | 'status' | 'expiresAt'>,
    definition: Omit<WorkflowDefinition, 'parent'>,
  ): Promise<boolean> {
    const ttl = expiresAt();
    await putNew({ ...definition, ...(item.parent ? { parent: item.parent } : {}), id: `${workflowKey(item.wfId)}#def`, expiresAt: ttl });
    const at = isoNow();
    return putNew({
      ...item,
      id: workflowKey(item.wfId),
      class: workflowClass(item.kind),
      enqueuedAt: at,
      [jobTable.indexes.byStatus.partitionKey]: workflowClass(item.kind),
      [jobTable.indexes.byStatus.sortKey]: at,
      status: 'running',
      expiresAt: ttl,
    });
  }

  /** Steps, callbacks and parent; eventually consistent, and consistent only when that found nothing. */
  async function definition(wfId: string): Promise<ParsedDefinition | undefined> {
    const cached = definitions.get(wfId);
    if (cached) return cached;
    const read = async (consistent: boolean) =>
      (await db.send(new GetCommand({ TableName: tableName, Key: { id: `${workflowKey(wfId)}#def` }, ConsistentRead: consistent }))).Item as
        | WorkflowDefinition
        | undefined;
    const stored = (await read(false)) ?? (await read(true));
    if (!stored) return undefined;
    const parsed = parseDefinition(stored);
    if (definitions.size >= DEFINITION_CACHE_SIZE) definitions.delete(definitions.keys().next().value!);
    definitions.set(wfId, parsed);
    return parsed;
  }

  async function get(wfId: string, consistent = true): Promise<WorkflowItem | undefined> {
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: { id: workflowKey(wfId) }, ConsistentRead: consistent }));
    return Item as WorkflowItem | undefined;
  }

  /** A conditional update; false when the condition failed. Returns the new item when it did not. */
  async function conditional(wfId: string, input: { update: string; condition: string; names: Record<string, string>; values?: Record<string, unknown> }) {
    try {
      const { Attributes } = await db.send(
        new UpdateCommand({
          TableName: tableName,
          Key: { id: workflowKey(wfId) },
          UpdateExpression: input.update,
          ConditionExpression: `attribute_exists(#id) AND (${input.condition})`,
          ExpressionAttributeNames: { '#id': jobTable.partitionKey, ...input.names },
          ...(input.values ? { ExpressionAttributeValues: input.values } : {}),
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes as WorkflowItem;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  return {
    create,
    get,
    definition,

    /**
     * Counts batch member `at` as `outcome`, once. A member counted failed that completes after
     * an operator retry moves from failed to completed. `counted` is false when nothing changed;
     * `item` is then read (consistently) so the caller can still finish what a crash left.
     */
    async countMember(batchId: string, at: number, outcome: MemberOutcome): Promise<{ counted: boolean; item: WorkflowItem | undefined }> {
      const set = OUTCOME_SET[outcome];
      const fresh = await conditional(batchId, {
        update: `ADD #set :one_set, #counter :one`,
        condition: 'NOT contains(#ok, :at) AND NOT contains(#bad, :at) AND NOT contains(#off, :at)',
        names: { '#set': set, '#counter': outcome, '#ok': 'ok', '#bad': 'bad', '#off': 'off' },
        values: { ':one_set': new Set([at]), ':one': 1, ':at': at },
      });
      if (fresh) return { counted: true, item: fresh };
      if (outcome === 'completed') {
        const recovered = await conditional(batchId, {
          update: 'DELETE #bad :one_set ADD #ok :one_set, #completed :one, #failed :minus',
          condition: 'contains(#bad, :at)',
          names: { '#ok': 'ok', '#bad': 'bad', '#completed': 'completed', '#failed': 'failed' },
          values: { ':one_set': new Set([at]), ':one': 1, ':minus': -1, ':at': at },
        });
        if (recovered) return { counted: true, item: recovered };
      }
      return { counted: false, item: await get(batchId) };
    },

    /** Marks a batch finished once; true for the caller that did. */
    async markFinished(wfId: string): Promise<boolean> {
      return (await conditional(wfId, { update: 'SET #finishedAt = :at', condition: 'attribute_not_exists(#finishedAt)', names: { '#finishedAt': 'finishedAt' }, values: { ':at': isoNow() } })) !== undefined;
    },

    /** Cancels a running batch; members not started are skipped when delivered. False when it had finished. */
    async cancelBatch(wfId: string): Promise<boolean> {
      const item = await conditional(wfId, {
        update: 'SET #cancelledAt = if_not_exists(#cancelledAt, :at)',
        condition: 'attribute_not_exists(#finishedAt)',
        names: { '#cancelledAt': 'cancelledAt', '#finishedAt': 'finishedAt' },
        values: { ':at': isoNow() },
      });
      return item !== undefined;
    },

    /** Records that the chain started step `position` (or further); running again after a retried step. */
    async chainAt(wfId: string, position: number): Promise<void> {
      await conditional(wfId, {
        update: 'SET #position = :p, #status = :running REMOVE #reason, #finishedAt',
        condition: '#position < :p OR #status = :failed',
        names: { '#position': 'position', '#status': 'status', '#reason': 'reason', '#finishedAt': 'finishedAt' },
        values: { ':p': position, ':running': 'running', ':failed': 'failed' },
      });
    },

    /** Ends a chain; the item for the caller that did. A failed chain may still complete after a retried step. */
    async finishChain(wfId: string, status: 'completed' | 'failed' | 'cancelled', reason?: string): Promise<WorkflowItem | undefined> {
      return conditional(wfId, {
        update: `SET #status = :status, #finishedAt = :at${reason !== undefined ? ', #reason = :reason' : ''}`,
        condition: status === 'completed' ? '#status <> :status' : '#status = :running',
        names: { '#status': 'status', '#finishedAt': 'finishedAt', ...(reason !== undefined ? { '#reason': 'reason' } : {}) },
        values: {
          ':status': status,
          ':at': isoNow(),
          ...(status === 'completed' ? {} : { ':running': 'running' }),
          ...(reason !== undefined ? { ':reason': reason.slice(0, 500) } : {}),
        },
      });
    },

    /** Newest first, from the kind's byStatus partition (keys only), then the items themselves. */
    async list(kind: WorkflowKind, limit = 20): Promise<WorkflowItem[]> {
      const index = jobTable.indexes.byStatus;
      const { Items = [] } = await db.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: index.name,
          KeyConditionExpression: '#pk = :kind',
          ExpressionAttributeNames: { '#pk': index.partitionKey },
          ExpressionAttributeValues: { ':kind': workflowClass(kind) },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      const items = await Promise.all(Items.map((key) => get(String(key.id).slice(WORKFLOW_KEY_PREFIX.length), false)));
      return items.filter((item): item is WorkflowItem => item !== undefined);
    },
  };
}
