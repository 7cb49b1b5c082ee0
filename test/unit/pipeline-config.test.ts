import { describe, expect, it } from 'vitest';
import { loadPipelineConfig, pipelineEnvironment } from '../../shared/pipeline-config.ts';
import { retentionFor } from '../../shared/status-store/status-store.ts';

const queues = JSON.stringify({ default: { queueUrl: 'https://sqs.example.com/q', dlqUrl: 'https://sqs.example.com/d' } });

describe('failed-job retention in the pipeline config', () => {
  it('keeps failed jobs until flushed unless a number of days is set, and round-trips it', () => {
    const plain = loadPipelineConfig({ SQS_JOBS_TABLE_NAME: 't', SQS_JOBS_QUEUES: queues });
    expect(plain.failedRetentionDays).toBeUndefined();
    expect(retentionFor(plain).failedDays).toBeNull();
    const kept = loadPipelineConfig({ SQS_JOBS_TABLE_NAME: 't', SQS_JOBS_QUEUES: queues, SQS_JOBS_FAILED_RETENTION_DAYS: '90' });
    expect(retentionFor(kept).failedDays).toBe(90);
    expect(loadPipelineConfig(pipelineEnvironment(kept))).toEqual(kept);
  });

  it('names a bad value', () => {
    expect(() => loadPipelineConfig({ SQS_JOBS_TABLE_NAME: 't', SQS_JOBS_QUEUES: queues, SQS_JOBS_FAILED_RETENTION_DAYS: '0.5' })).toThrow(
      'SQS_JOBS_FAILED_RETENTION_DAYS must be a whole number of days >= 1 (got "0.5")',
    );
  });
});
