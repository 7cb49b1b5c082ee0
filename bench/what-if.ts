/**
 * What a change to the data model would save, computed from the item images the meter recorded
 * (before and after every write of a run) with the same AWS rules: each variant re-prices the
 * run's writes as if the table, its indexes or the write sequence were different. Pure.
 *
 * These are estimates for a decision, not measurements of changed code: a variant that drops a
 * write also drops whatever that write did for the product (see the trade-offs in the report).
 */
import type { DynamoMeterEvent, MeterEvent, TableSchema } from './capacity-meter.ts';
import {
  indexWriteCost,
  tableWriteUnits,
  type AttributeMap,
  type AttributeValue,
  type IndexDefinition,
  type WriteOperation,
} from './dynamodb-units.ts';

export interface WriteModel {
  /** The item as the table would store it (drop or change attributes). */
  readonly tableImage?: (item: AttributeMap | undefined) => AttributeMap | undefined;
  /** The item as an index sees it (e.g. without its index keys, for a sparse index). */
  readonly indexImage?: (item: AttributeMap | undefined, index: IndexDefinition) => AttributeMap | undefined;
  /** Indexes that exist in the variant. @defaultValue all of the schema's */
  readonly indexes?: (index: IndexDefinition) => boolean;
  /** Rewrites the write sequence: return undefined to drop a write, or a changed write. */
  readonly write?: (event: DynamoMeterEvent) => DynamoMeterEvent | undefined;
}

/** Write request units (table + indexes) of the run's writes under `model`. */
export function priceWrites(events: readonly MeterEvent[], schema: TableSchema, model: WriteModel = {}): number {
  const tableImage = model.tableImage ?? ((item) => item);
  const indexImage = model.indexImage ?? ((item) => item);
  const indexes = schema.indexes.filter(model.indexes ?? (() => true));
  let units = 0;
  for (const original of events) {
    if (original.service !== 'dynamodb' || !isWrite(original)) continue;
    const event = model.write ? model.write(original) : original;
    if (!event) continue;
    const operation = event.operation as WriteOperation;
    const before = tableImage(event.before);
    const after = tableImage(event.after);
    units += tableWriteUnits(operation, before, after, event.conditionFailed);
    if (event.conditionFailed || event.error !== undefined) continue;
    for (const index of indexes) {
      units += indexWriteCost(indexImage(before, index), indexImage(after, index), index, schema.key).units;
    }
  }
  return units;
}

function isWrite(event: DynamoMeterEvent): boolean {
  return event.operation === 'PutItem' || event.operation === 'UpdateItem' || event.operation === 'DeleteItem';
}

export function withoutAttributes(item: AttributeMap | undefined, names: readonly string[]): AttributeMap | undefined {
  if (!item) return item;
  const copy: Record<string, AttributeValue> = { ...item };
  for (const name of names) delete copy[name];
  return copy;
}

export interface Variant {
  readonly id: string;
  readonly title: string;
  readonly model: (schema: TableSchema) => WriteModel;
}

const STATUS = 'status';
/** States an operator or the delay dispatcher must find by index; everything else is counted from metrics. */
const SPARSE_STATUSES = new Set(['scheduled', 'retrying', 'failed']);

/** The variants the report prices, each a candidate change to the status store. */
export const variants: readonly Variant[] = [
  {
    id: 'no-byStatus',
    title: 'no byStatus index (list by class, filter by status)',
    model: () => ({ indexes: (index) => index.name !== 'byStatus' }),
  },
  {
    id: 'sparse-byStatus',
    title: 'byStatus sparse: index keys only while a job is scheduled, retrying or failed',
    model: () => ({
      indexImage: (item, index) => {
        if (!item || index.name !== 'byStatus') return item;
        const status = item[STATUS]?.S;
        return status !== undefined && SPARSE_STATUSES.has(status)
          ? item
          : withoutAttributes(item, [index.partitionKey, ...(index.sortKey ? [index.sortKey] : [])]);
      },
    }),
  },
  {
    id: 'no-queued-record',
    title: 'no record at enqueue: the claim creates it (jobs without an idempotency key)',
    model: () => ({
      write: (event) => {
        if (event.operation === 'PutItem' && event.afterStatus === 'queued') return undefined;
        if (event.operation === 'UpdateItem' && event.beforeStatus === 'queued' && event.afterStatus === 'running') {
          const { before: _dropped, ...rest } = event;
          return rest;
        }
        return event;
      },
    }),
  },
  {
    id: 'no-lastError',
    title: 'no lastError attribute (it repeats the last entry of errors)',
    model: () => ({ tableImage: (item) => withoutAttributes(item, ['lastError']) }),
  },
];

export interface VariantSaving {
  readonly id: string;
  readonly title: string;
  readonly wruPerJob: number;
  readonly savedWruPerJob: number;
  readonly savedPercent: number;
}

/** Each variant's write request units per job next to the run as measured. */
export function priceVariants(events: readonly MeterEvent[], schema: TableSchema, jobs: number): { actualWruPerJob: number; variants: VariantSaving[] } {
  const actual = priceWrites(events, schema) / jobs;
  return {
    actualWruPerJob: actual,
    variants: variants.map((variant) => {
      const wru = priceWrites(events, schema, variant.model(schema)) / jobs;
      return {
        id: variant.id,
        title: variant.title,
        wruPerJob: wru,
        savedWruPerJob: actual - wru,
        savedPercent: actual === 0 ? 0 : ((actual - wru) / actual) * 100,
      };
    }),
  };
}
