/**
 * Builds DynamoDB update and condition expressions with placeholder names for every attribute,
 * so reserved words (`status`, `name`, `class`) never need special care at call sites.
 *
 * @example
 * const e = new ExpressionBuilder();
 * e.set('status', 'running');
 * e.condition(`${e.name('status')} IN (${e.value('queued')}, ${e.value('retrying')})`);
 * e.build(); // { UpdateExpression, ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues }
 */
export class ExpressionBuilder {
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, unknown> = {};
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];
  private readonly conditions: string[] = [];
  private valueCount = 0;

  name(attribute: string): string {
    const placeholder = `#${attribute}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  value(value: unknown): string {
    const placeholder = `:v${this.valueCount++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** SET attribute = value; `undefined` values are skipped. */
  set(attribute: string, value: unknown): this {
    if (value !== undefined) this.sets.push(`${this.name(attribute)} = ${this.value(value)}`);
    return this;
  }

  /** SET attribute = <raw expression> (for if_not_exists and arithmetic). */
  setExpression(attribute: string, expression: string): this {
    this.sets.push(`${this.name(attribute)} = ${expression}`);
    return this;
  }

  remove(...attributes: string[]): this {
    for (const attribute of attributes) this.removes.push(this.name(attribute));
    return this;
  }

  /** Adds a condition, ANDed with the others. Each one must be a single term or parenthesised. */
  condition(expression: string): this {
    this.conditions.push(expression);
    return this;
  }

  /** `attribute IN (…)` for a list of values. */
  isOneOf(attribute: string, values: readonly unknown[]): string {
    return `${this.name(attribute)} IN (${values.map((v) => this.value(v)).join(', ')})`;
  }

  build(): {
    UpdateExpression?: string;
    ConditionExpression?: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  } {
    const clauses = [
      this.sets.length > 0 ? `SET ${this.sets.join(', ')}` : '',
      this.removes.length > 0 ? `REMOVE ${this.removes.join(', ')}` : '',
    ].filter(Boolean);
    return {
      ...(clauses.length > 0 ? { UpdateExpression: clauses.join(' ') } : {}),
      ...(this.conditions.length > 0 ? { ConditionExpression: this.conditions.join(' AND ') } : {}),
      ExpressionAttributeNames: this.names,
      ...(this.valueCount > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}
