/**
 * DynamoDB billing arithmetic, per AWS's documented rules. Pure: items in, bytes and units out.
 *
 * - Item size: the sum of attribute name lengths (UTF-8) and value sizes; strings by UTF-8
 *   bytes, numbers ≈ 1 byte per two significant digits + 1, binary by raw bytes, null/boolean
 *   1 byte, list/map 3 bytes + 1 byte per element + the elements (map keys count as names).
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html
 * - Writes: one write request unit per started 1 KB; UpdateItem and PutItem are billed on the
 *   larger of the item before and after; DeleteItem on the deleted item; a write whose
 *   condition fails still costs the existing item's size (at least 1 unit).
 *   https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html
 * - Reads: one read request unit per started 4 KB strongly consistent, half for eventually
 *   consistent. https://aws.amazon.com/dynamodb/pricing/on-demand/
 * - Global secondary indexes: an item is in an index only while it has all of the index's key
 *   attributes; a write that gives it those keys is one index put, one that takes them away is
 *   one index delete, one that changes an index key is a delete plus a put (two writes), one
 *   that changes only projected non-key attributes is one index update, anything else costs the
 *   index nothing. An index entry is its projected attributes (always the index and table keys)
 *   plus 100 bytes of overhead. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.Writes
 *
 * @example
 * itemSize({ id: { S: 'abc' }, n: { N: '12345' } }); // 2+3 + 1+4 = 10
 * indexWriteCost(before, after, byStatus, { partitionKey: 'id' }); // { kind: 'key-changed', units: 2, … }
 */

/** An attribute value as DynamoDB's wire format (and the SDK's low-level client) has it. */
export interface AttributeValue {
  readonly S?: string;
  readonly N?: string;
  /** base64 on the wire, bytes in the SDK */
  readonly B?: string | Uint8Array;
  readonly SS?: readonly string[];
  readonly NS?: readonly string[];
  readonly BS?: readonly (string | Uint8Array)[];
  readonly M?: Readonly<Record<string, AttributeValue>>;
  readonly L?: readonly AttributeValue[];
  readonly NULL?: boolean;
  readonly BOOL?: boolean;
}

export type AttributeMap = Readonly<Record<string, AttributeValue>>;

export const WRITE_UNIT_BYTES = 1024;
export const READ_UNIT_BYTES = 4096;
/** Per-entry overhead of a global secondary index entry. */
export const INDEX_ENTRY_OVERHEAD_BYTES = 100;
/** Per-element overhead inside a list or map. */
const ELEMENT_OVERHEAD_BYTES = 1;
const CONTAINER_OVERHEAD_BYTES = 3;

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function binaryBytes(value: string | Uint8Array): number {
  return typeof value === 'string' ? Buffer.from(value, 'base64').length : value.byteLength;
}

/** Significant digits of a DynamoDB number: sign, exponent, leading and trailing zeros dropped. */
export function significantDigits(number: string): number {
  const mantissa = number.trim().replace(/^[+-]/, '').split(/e/i)[0] ?? '';
  const digits = mantissa.replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  return digits.length;
}

/** Size of a number value: ≈ 1 byte per two significant digits + 1 byte (AWS's stated rule). */
export function numberSize(number: string): number {
  return Math.ceil(significantDigits(number) / 2) + 1;
}

/** Size of one value, without its attribute name. */
export function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return utf8Bytes(value.S);
  if (value.N !== undefined) return numberSize(value.N);
  if (value.B !== undefined) return binaryBytes(value.B);
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((sum, s) => sum + utf8Bytes(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((sum, n) => sum + numberSize(n), 0);
  if (value.BS !== undefined) return value.BS.reduce((sum, b) => sum + binaryBytes(b), 0);
  if (value.L !== undefined) {
    return CONTAINER_OVERHEAD_BYTES + value.L.reduce((sum, element) => sum + ELEMENT_OVERHEAD_BYTES + valueSize(element), 0);
  }
  if (value.M !== undefined) {
    return (
      CONTAINER_OVERHEAD_BYTES +
      Object.entries(value.M).reduce((sum, [name, element]) => sum + ELEMENT_OVERHEAD_BYTES + utf8Bytes(name) + valueSize(element), 0)
    );
  }
  throw new TypeError(`not a DynamoDB attribute value: ${JSON.stringify(value)}`);
}

/** Size of an item: attribute names plus values. */
export function itemSize(item: AttributeMap | undefined): number {
  if (!item) return 0;
  return Object.entries(item).reduce((sum, [name, value]) => sum + utf8Bytes(name) + valueSize(value), 0);
}

/** Write request units for writing `bytes` (at least 1). */
export function writeUnits(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / WRITE_UNIT_BYTES));
}

/** Read request units for reading `bytes` in one item (at least one unit; half if eventually consistent). */
export function readUnits(bytes: number, consistent: boolean): number {
  return Math.max(1, Math.ceil(bytes / READ_UNIT_BYTES)) * (consistent ? 1 : 0.5);
}

export type WriteOperation = 'PutItem' | 'UpdateItem' | 'DeleteItem';

/**
 * Table write units of one write: the larger of the item before and after (Put, Update), the
 * deleted item (Delete), the existing item when the condition failed; never less than 1.
 */
export function tableWriteUnits(
  operation: WriteOperation,
  before: AttributeMap | undefined,
  after: AttributeMap | undefined,
  conditionFailed = false,
): number {
  if (conditionFailed || operation === 'DeleteItem') return writeUnits(itemSize(before));
  return writeUnits(Math.max(itemSize(before), itemSize(after)));
}

export interface TableKey {
  readonly partitionKey: string;
  readonly sortKey?: string;
}

export interface IndexDefinition extends TableKey {
  readonly name: string;
  readonly projection: 'KEYS_ONLY' | 'ALL' | { readonly include: readonly string[] };
}

/** The index entry an item has in `index` (its projected attributes), or undefined when it is not in it. */
export function indexEntry(item: AttributeMap | undefined, index: IndexDefinition, table: TableKey): AttributeMap | undefined {
  if (!item) return undefined;
  const keys = [index.partitionKey, index.sortKey].filter((k): k is string => k !== undefined);
  if (!keys.every((key) => item[key] !== undefined)) return undefined;
  if (index.projection === 'ALL') return item;
  const projected = new Set([...keys, table.partitionKey, ...(table.sortKey ? [table.sortKey] : [])]);
  if (index.projection !== 'KEYS_ONLY') for (const name of index.projection.include) projected.add(name);
  const entry: Record<string, AttributeValue> = {};
  for (const name of projected) {
    const value = item[name];
    if (value !== undefined) entry[name] = value;
  }
  return entry;
}

/** Size of an index entry: projected attributes plus the per-entry overhead. */
export function indexEntrySize(entry: AttributeMap): number {
  return itemSize(entry) + INDEX_ENTRY_OVERHEAD_BYTES;
}

export type IndexWriteKind = 'none' | 'insert' | 'remove' | 'key-changed' | 'projection-changed' | 'unchanged';

export interface IndexWriteCost {
  readonly kind: IndexWriteKind;
  /** Index write operations: 0, 1 (put, delete or update) or 2 (delete + put). */
  readonly writes: number;
  /** Write request units of those operations (each by its entry's size). */
  readonly units: number;
}

/** What one table write costs in one global secondary index. */
export function indexWriteCost(
  before: AttributeMap | undefined,
  after: AttributeMap | undefined,
  index: IndexDefinition,
  table: TableKey,
): IndexWriteCost {
  const old = indexEntry(before, index, table);
  const next = indexEntry(after, index, table);
  if (!old && !next) return { kind: 'none', writes: 0, units: 0 };
  if (!old && next) return { kind: 'insert', writes: 1, units: writeUnits(indexEntrySize(next)) };
  if (old && !next) return { kind: 'remove', writes: 1, units: writeUnits(indexEntrySize(old)) };
  const o = old as AttributeMap;
  const n = next as AttributeMap;
  const keys = [index.partitionKey, index.sortKey].filter((k): k is string => k !== undefined);
  if (keys.some((key) => !sameValue(o[key], n[key]))) {
    return { kind: 'key-changed', writes: 2, units: writeUnits(indexEntrySize(o)) + writeUnits(indexEntrySize(n)) };
  }
  if (!sameItem(o, n)) {
    return { kind: 'projection-changed', writes: 1, units: writeUnits(Math.max(indexEntrySize(o), indexEntrySize(n))) };
  }
  return { kind: 'unchanged', writes: 0, units: 0 };
}

/** Value equality as DynamoDB sees it (sets unordered, numbers by value). */
export function sameValue(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return canonical(a) === canonical(b);
}

function sameItem(a: AttributeMap, b: AttributeMap): boolean {
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const name of names) if (!sameValue(a[name], b[name])) return false;
  return true;
}

function canonical(value: AttributeValue): string {
  if (value.S !== undefined) return `S:${JSON.stringify(value.S)}`;
  if (value.N !== undefined) return `N:${canonicalNumber(value.N)}`;
  if (value.B !== undefined) return `B:${base64(value.B)}`;
  if (value.BOOL !== undefined) return `BOOL:${value.BOOL}`;
  if (value.NULL !== undefined) return 'NULL';
  if (value.SS !== undefined) return `SS:${JSON.stringify([...value.SS].sort())}`;
  if (value.NS !== undefined) return `NS:${JSON.stringify(value.NS.map(canonicalNumber).sort())}`;
  if (value.BS !== undefined) return `BS:${JSON.stringify(value.BS.map(base64).sort())}`;
  if (value.L !== undefined) return `L:[${value.L.map(canonical).join(',')}]`;
  if (value.M !== undefined) {
    const entries = Object.keys(value.M)
      .sort()
      .map((name) => `${JSON.stringify(name)}=${canonical(value.M?.[name] as AttributeValue)}`);
    return `M:{${entries.join(',')}}`;
  }
  return JSON.stringify(value);
}

function canonicalNumber(number: string): string {
  const parsed = Number(number);
  return Number.isFinite(parsed) && String(parsed).length <= 17 ? String(parsed) : number.trim();
}

function base64(value: string | Uint8Array): string {
  return typeof value === 'string' ? value : Buffer.from(value).toString('base64');
}
