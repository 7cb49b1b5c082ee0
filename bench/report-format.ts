/** Number and table formatting for the benchmark report. */
import type { Summary } from './stats.ts';

/** A number without float noise: up to `digits` decimals, trailing zeros dropped. */
export function num(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return '–';
  const fixed = Number(value.toFixed(digits));
  return Math.abs(fixed) >= 1000 ? fixed.toLocaleString('en-US') : String(fixed);
}

export function usd(value: number, digits = 2): string {
  return Number.isFinite(value) ? `$${value.toFixed(digits)}` : '–';
}

/** "9" when every run gave the same, else "9 (8.9–9.1)". */
export function exact(summary: Summary, digits = 3): string {
  if (summary.n === 0) return '–';
  const same = num(summary.min, digits) === num(summary.max, digits);
  return same ? num(summary.median, digits) : `${num(summary.median, digits)} (${num(summary.min, digits)}–${num(summary.max, digits)})`;
}

/** "1,234 (1,100–1,300)": median and the min–max spread. */
export function spread(summary: Summary, digits = 1): string {
  if (summary.n === 0) return '–';
  return `${num(summary.median, digits)} (${num(summary.min, digits)}–${num(summary.max, digits)})`;
}

/** "5 runs after a warm-up", "1 run (no warm-up)". */
export function runsText(runs: number, warmups: number): string {
  const measured = `${runs} measured run${runs === 1 ? '' : 's'}`;
  return warmups > 0 ? `${measured} after ${warmups === 1 ? 'a warm-up' : `${warmups} warm-ups`}` : `${measured} (no warm-up)`;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}


export type Push = (...lines: string[]) => void;
