/** The measurement sections of the benchmark report: enqueue, consumer, end to end, cold start, prices. */
import type { BenchResults } from './bench.ts';
import { type Price } from './prices.ts';
import { num, usd, spread, runsText, pct, table, percentileRow, type Push } from './report-format.ts';
import { claimParseSlow, scenario } from './report-findings.ts';

export function renderEnqueue(r: BenchResults, push: Push): void {
  const e = r.enqueueOverhead;
  if (!e) return;
  push(
    '## 2. Enqueue overhead',
    '',
    `Jobs/s through the SDK ÷ jobs/s of the minimum on the same emulators in the same run: a conditional PutItem of \`{ id, status }\` ` +
      `per job (${e.putConcurrency} in flight, as the SDK does) and SendMessageBatch of 10, in chunks of ${e.chunk} jobs. A second baseline ` +
      "writes the SDK's own item and body, to separate code overhead from data-model overhead. Variants interleave in rotating order; " +
      `${e.jobs} jobs per batched variant and ${e.singleJobs} per single variant per run, ${runsText(e.runs, e.warmups)}.`,
    '',
    table(
      ['ratio (per run, median (min–max))', 'value'],
      [
        ['**SDK enqueueMany ÷ raw (minimal item)**', `**${spread(e.ratio, 2)}**`],
        ["SDK enqueueMany ÷ raw with the SDK's item and body (code overhead alone)", spread(e.ratioSameItem, 2)],
        ['SDK enqueue() ÷ raw PutItem + SendMessage, 16 in flight', spread(e.ratioSingle, 2)],
      ],
    ),
    '',
    table(
      ['variant', 'jobs/s (median (min–max))'],
      e.variants.map((v) => [v.title, spread(v.jobsPerSecond, 0)]),
    ),
    '',
  );
}

export function renderConsumer(r: BenchResults, push: Push): void {
  const c = r.consumerOverhead;
  if (!c) return;
  push(
    '## 3. Consumer overhead',
    '',
    `Time per batch of ${c.batchSize} no-op jobs through the real consumer against bare handlers on the same kind of records (real SQS messages ` +
      `of jobs enqueued through the SDK), all running the batch's records in parallel; ${c.batches} batches per variant per run, interleaved, ` +
      `${runsText(c.runs, c.warmups)}. Only the handler call is timed.`,
    '',
    table(
      ['ratio (per run, median (min–max))', 'value'],
      [
        ['**consumer ÷ bare handler with one UpdateItem per record**', `**${spread(c.ratio, 1)}**`],
        ["consumer ÷ the consumer's own two writes through the status store (its code beyond the writes)", spread(c.ratioCode, 2)],
        ["status-store writes ÷ the same writes with the claim condition written flat (dynalite's parser, F7)", spread(c.ratioClaimParse, 1)],
      ],
    ),
    '',
    table(
      ['variant', 'ms per batch of 10 (median (min–max))'],
      c.variants.map((v) => [v.title, spread(v.batchMs, 1)]),
    ),
    '',
    claimParseSlow(r)
      ? 'Read the headline ratio with F7 in mind: almost all of it is the emulator parsing the claim condition. The consumer itself ' +
        '(decode, validate, timeouts, logging, metrics) adds the few per cent of the second row to the two writes it must make.'
      : 'With the claim condition flat (F7), the headline ratio is what it says: two conditional writes per record (claim, complete) against ' +
        'one unconditional UpdateItem, plus the consumer\'s own work (decode, validate, timeouts, logging, metrics), which the second row ' +
        'isolates. The third row is below 1 because the bench\'s "flat" variant still puts parentheses around each AND group, and dynalite pays for each pair.',
    '',
  );
}

export function renderEndToEnd(r: BenchResults, push: Push): void {
  const e = r.endToEnd;
  if (!e) return;
  push(
    '## 4. End to end',
    '',
    `No-op jobs from enqueue to completion through the local runtime (\`startLocalRuntime\`: emulators, the real consumer behind the ` +
      `event-source mimic) on the \`${e.className}\` class: batch ${e.batchSize}, batch window ${e.batchWindowSeconds} s, up to ${e.maxConcurrency} ` +
      `concurrent invocations. Per run: a burst of ${e.burstJobs} jobs (4 producers, enqueueMany of 10), then ${e.pacedJobs} jobs paced at ` +
      `${e.pacedRate}/s (one enqueue() each); ${runsText(e.runs, e.warmups)}. Latency: the envelope's enqueuedAt → the handler's first line.`,
    '',
    table(['', 'median (min–max)'], [['**burst throughput, jobs/s**', `**${spread(e.jobsPerSecond, 1)}**`]]),
    '',
    table(
      ['enqueue → start latency, ms', 'jobs', 'p50', 'p95', 'p99', 'max'],
      [percentileRow(`paced at ${e.pacedRate}/s (idle pipeline)`, e.pacedLatencyMs), percentileRow(`burst of ${e.burstJobs} (mostly backlog wait)`, e.burstLatencyMs)],
    ),
    '',
    `The paced latency is mostly the batch window: a poller that received a first message waits up to ${e.batchWindowSeconds} s for more before ` +
      "it invokes (Lambda's MaximumBatchingWindowInSeconds behaves the same). " +
      (claimParseSlow(r)
        ? "The throughput is dynalite's, not the pipeline's (F7)."
        : 'The burst throughput is this machine\'s: the emulators run in the same process as the consumers, on 2 cores; on AWS the ' +
          'limits are the class\'s concurrency and DynamoDB\'s, not these.'),
    '',
  );
}

export function renderColdStart(r: BenchResults, push: Push): void {
  const c = r.coldStart;
  if (!c) return;
  push(
    '## 5. Cold start',
    '',
    `\`${c.entry}\` bundled as CDK's NodejsFunction does (cdk/class-consumer.ts): esbuild, bundle, minify, ESM, platform node, target node24, ` +
      "the AWS SDK bundled, the createRequire banner, an external source map. Init time: `import()` of the built file in a fresh Node " +
      `process with only the consumer's environment (SQS_JOBS_CLASS, SQS_JOBS_TABLE_NAME, SQS_JOBS_QUEUES, AWS_REGION); ${runsText(c.runs, c.warmups)}, ` +
      "variants interleaved. Lambda's own init adds the runtime's start and the download of the code, which this does not see.",
    '',
    table(
      ['bundle', 'size'],
      [
        ['index.mjs', `**${num(c.bundle.bytes / 1024, 0)} KiB** (${num(c.bundle.bytes, 0)} bytes)`],
        ['gzip', `${num(c.bundle.gzipBytes / 1024, 0)} KiB`],
        ['source map (separate file)', `${num(c.bundle.sourceMapBytes / 1024, 0)} KiB`],
      ],
    ),
    '',
    table(
      ['variant', 'bundle', 'import() ms', 'vs the plain bundle, same round (median (min–max))', 'process start → imported, ms'],
      c.variants.map((v) => [
        v.title,
        `${num(v.bundleBytes / 1024, 0)} KiB`,
        spread(v.importMs, 0),
        v.id === 'bundle' ? '' : spread(v.importDeltaMs, 0),
        spread(v.readyMs, 0),
      ]),
    ),
    '',
    ...(c.split
      ? [
          `For the code-splitting build the bundle column is what is loaded at init: the entry and the chunks it imports statically; ` +
            `${num(c.split.lazyBytes / 1024, 0)} KiB more sit in chunks loaded on first use (finding F6).`,
          '',
        ]
      : []),
    'Largest packages in the bundle (bytes in the output):',
    '',
    table(
      ['package', 'KiB', 'share'],
      c.bundle.packages.slice(0, 12).map((p) => [p.name, num(p.bytes / 1024, 0), pct(p.bytes, c.bundle.bytes)]),
    ),
    '',
  );
}

export function renderPrices(r: BenchResults, push: Push): void {
  const p = r.prices;
  const row = (name: string, price: Price, perMillion: boolean) => [
    name,
    perMillion ? `$${(price.usd * 1e6).toFixed(3).replace(/0$/, '')} per million` : `$${price.usd.toFixed(10)}`,
    price.unit,
    price.note ?? '',
    price.sources.join('; '),
    price.checked,
  ];
  push(
    '## Prices',
    '',
    `List prices, ${p.region}, on-demand, before free tiers and volume tiers. AWS's pricing pages render their rate tables in the browser, ` +
      'so the stored copies of those pages read for this report carry the unit definitions but not the numbers; every figure below was ' +
      'cross-read from the sources listed, on the date given. Check https://aws.amazon.com/dynamodb/pricing/on-demand/, ' +
      'https://aws.amazon.com/sqs/pricing/ and https://aws.amazon.com/lambda/pricing/ before quoting a figure externally.',
    '',
    table(
      ['item', 'price', 'unit', 'note', 'sources', 'checked'],
      [
        row('SQS standard request', p.sqsRequest, true),
        row('DynamoDB write request unit', p.dynamoWriteRequestUnit, true),
        row('DynamoDB read request unit', p.dynamoReadRequestUnit, true),
        row('Lambda request', p.lambdaRequest, true),
        row('Lambda duration, arm64', p.lambdaArmGbSecond, false),
      ],
    ),
    '',
    'Rules applied (`bench/dynamodb-units.ts`, `bench/sqs-units.ts`, unit-tested in `test/bench/`): ' +
      'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/CapacityUnitCalculations.html (item size), ' +
      'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/read-write-operations.html (UpdateItem billed on the larger image), ' +
      'https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html#GSI.Writes (index writes), https://aws.amazon.com/sqs/pricing/ (64 KB chunks, batches).',
    '',
    ...arithmeticCheck(r),
  );
}

export function arithmeticCheck(r: BenchResults): string[] {
  const noop = scenario(r, 'noop-many');
  if (!noop) return [];
  const u = noop.perJob;
  const p = r.prices;
  const perM = (x: number) => (x * 1e6).toFixed(3).replace(/0$/, '');
  return [
    '',
    `The arithmetic for a no-op job sent with enqueueMany: ${num(u.sqsRequests, 3)} SQS requests × $${perM(p.sqsRequest.usd)} + ` +
      `${num(u.writeRequestUnits, 3)} WRU × $${perM(p.dynamoWriteRequestUnit.usd)} + ${num(u.lambdaInvocations, 3)} invocations × $${perM(p.lambdaRequest.usd)} ` +
      `= ${usd(noop.cost.total - noop.cost.lambdaDuration, 3)} per million jobs, plus the estimated duration ${num(u.lambdaGbSeconds, 5)} GB-s × ` +
      `$${p.lambdaArmGbSecond.usd} × 10⁶ = ${usd(noop.cost.lambdaDuration, 3)}.`,
  ];
}
