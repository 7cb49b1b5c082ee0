import { describe, expect, it } from 'vitest';
import { classConstructId, consumerFunctionName, pascalCase, resourcePrefix } from '../../cdk/pipeline-naming';

describe('pipeline naming', () => {
  it('derives ids and names from class, prefix and stage', () => {
    expect(pascalCase('high-priority')).toBe('HighPriority');
    expect(pascalCase('low_priority2')).toBe('LowPriority2');
    expect(classConstructId('default')).toBe('ClassDefault');
    expect(consumerFunctionName(resourcePrefix('sqs-jobs', 'prod'), 'reports')).toBe('sqs-jobs-prod-reports-consumer');
  });
});
