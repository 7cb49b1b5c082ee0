/** Printing for the CLI: aligned tables for people, `--json` for scripts, one-line errors. */
import { readFileSync } from 'node:fs';
import { InvalidOptionError } from '../shared/errors.ts';

export type Row = Record<string, string | number | null | undefined>;

export function table(rows: readonly Row[], columns: readonly string[]): string {
  if (rows.length === 0) return '(none)';
  const cell = (row: Row, column: string) => String(row[column] ?? '-');
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r, c).length)));
  const line = (values: string[]) => values.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...rows.map((r) => line(columns.map((c) => cell(r, c))))].join('\n');
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

export function shortTime(iso: string | undefined): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '-';
}

export function truncate(text: string | undefined, chars: number): string {
  if (!text) return '-';
  return text.length <= chars ? text : `${text.slice(0, chars - 1)}…`;
}

/** `--payload '{"a":1}'` or `--payload @file.json`. */
export function parsePayload(value: string): unknown {
  let text = value;
  if (value.startsWith('@')) {
    try {
      text = readFileSync(value.slice(1), 'utf8');
    } catch (error) {
      throw new InvalidOptionError(`cannot read payload file ${value.slice(1)}: ${(error as Error).message}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InvalidOptionError(`--payload is not valid JSON: ${(error as Error).message}`);
  }
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `15m`, `12h`, `7d` → milliseconds. */
export function parseDuration(value: string, option: string): number {
  const match = /^(\d+)([smhd])$/.exec(value.trim());
  if (!match) throw new InvalidOptionError(`${option} must look like 90s, 15m, 12h or 7d; got "${value}"`);
  return Number(match[1]) * UNITS[match[2]!]!;
}

/** An ISO time, or a duration meaning "that long ago". */
export function parseSince(value: string, now = Date.now()): Date {
  if (/^\d+[smhd]$/.test(value.trim())) return new Date(now - parseDuration(value, '--since'));
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new InvalidOptionError(`--since must be an ISO time or a duration like 1h; got "${value}"`);
  return date;
}

export function parseCount(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidOptionError(`${option} must be a whole number; got "${value}"`);
  return n;
}
