/**
 * How deeply a payload nests, measured without recursion so that a hostile payload nested a
 * hundred thousand levels is refused with an error instead of a stack overflow.
 *
 * The limit is DynamoDB's: an item's maps and lists may nest 32 levels. A payload never needs
 * more, and one that stays within it can be written anywhere the pipeline keeps it.
 *
 * @example
 * payloadDepth({ a: [1, { b: 2 }] }); // 3
 * payloadDepthExceeds(JSON.parse('[[[[1]]]]'), 3); // true
 */
export const MAX_PAYLOAD_DEPTH = 32;

/** True as soon as `value` nests deeper than `limit` (objects and arrays count one level each). */
export function payloadDepthExceeds(value: unknown, limit: number = MAX_PAYLOAD_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > limit) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

/** The nesting depth of `value` (0 for a scalar). */
export function payloadDepth(value: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth + 1);
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}
