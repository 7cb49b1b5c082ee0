/** The findings section of the benchmark report: where the units go and what would save them. */
import type { BenchResults } from './bench.ts';
import type { BreakdownRow, ScenarioResult } from './billable-units.ts';
import type { ComparisonLine } from './compare.ts';
import { num, usd, signedMs, pct, table, type Push } from './report-format.ts';

export function shortName(metric: string): string {
  return (
    {
      sqsRequests: 'SQS',
      writeRequestUnits: 'WRU',
      lambdaInvocations: 'invocations',
      lambdaGbSeconds: 'est. GB-s',
      usdPerMillion: '$/M',
      usdPerMillionWithDuration: '$/M incl. duration',
    }[metric] ?? metric
  );
}

/** dynalite's extra time per claim: (store writes as built − the same with a flat claim condition) ÷ batch size. */
export function claimParseMs(r: BenchResults): number {
  const c = r.consumerOverhead;
  const store2 = c?.variants.find((v) => v.id === 'store-2')?.batchMs.median;
  const flat2 = c?.variants.find((v) => v.id === 'flat-2')?.batchMs.median;
  return c && store2 !== undefined && flat2 !== undefined ? (store2 - flat2) / c.batchSize : Number.NaN;
}

/** The Lambda duration a batch would cost without the emulator's claim-parse time (consumer ≈ its two writes, F7). */
export function durationModel(r: BenchResults): string {
  const slow = claimParseSlow(r);
  const flat = r.consumerOverhead?.variants.find((v) => v.id === (slow ? 'flat-2' : 'store-2'));
  const b = r.billableUnits;
  if (!flat || !b) return '';
  const gbSecondsPerJob = (flat.batchMs.median / 1000) * (b.memoryMb / 1024) / (r.consumerOverhead?.batchSize ?? 10);
  return (
    ` For scale: the consumer's two writes per record${slow ? ' with the claim condition written flat' : ' alone (no consumer code around them)'} take ${num(flat.batchMs.median, 0)} ms per batch ` +
    `of 10 here (section 3), which would be ${num(gbSecondsPerJob, 5)} GB-s and ${usd(gbSecondsPerJob * r.prices.lambdaArmGbSecond.usd * 1e6, 3)} ` +
    'of Lambda duration per million no-op jobs.'
  );
}

export function breakdownCells(row: BreakdownRow, indexNames: readonly string[]): string[] {
  const zero = (value: number, digits = 3) => (value === 0 ? '' : num(value, digits));
  return [
    row.step,
    num(row.callsPerJob, 3),
    zero(row.sqsRequestsPerJob),
    zero(row.tableWruPerJob),
    ...indexNames.map((name) => zero(row.indexWruPerJob[name] ?? 0)),
    zero(row.rruPerJob),
    zero(row.invocationsPerJob),
    row.itemBytes ? `${num(row.itemBytes.before, 0)} → ${num(row.itemBytes.after, 0)}` : '',
  ];
}

export function scenario(r: BenchResults, id: string): ScenarioResult | undefined {
  return r.billableUnits?.scenarios.find((s) => s.id === id);
}

/** A what-if variant's saving for one scenario, in WRU per job, per cent and $ per million jobs. */
export function whatIfSaving(
  r: BenchResults,
  s: ScenarioResult | undefined,
  variant: string,
): { wru: number; percent: number; usd: number } | undefined {
  const v = s?.whatIf.variants.find((x) => x.id === variant);
  if (!s || !v) return undefined;
  return { wru: v.savedWruPerJob, percent: v.savedPercent, usd: v.savedWruPerJob * r.prices.dynamoWriteRequestUnit.usd * 1e6 };
}

export function stepUnits(s: ScenarioResult | undefined, prefix: string): BreakdownRow | undefined {
  return s?.breakdown.find((row) => row.step.startsWith(prefix));
}

/** A line of the before → after comparison, when there is one. */
export function compareLine(r: BenchResults, section: ComparisonLine['section'], metric: string, scenarioId?: string): ComparisonLine | undefined {
  return r.beforeAfter?.lines.find((l) => l.section === section && l.metric === metric && (scenarioId === undefined || l.scenario === scenarioId));
}

/** " (785dec7: 26)" — the baseline's value next to this run's, when the comparison has it. */
export function was(r: BenchResults, line: ComparisonLine | undefined, format: (value: number) => string = (v) => num(v)): string {
  return line && r.beforeAfter ? ` (${r.beforeAfter.before.commit}: ${format(line.before)})` : '';
}

/** Whether the claim condition still costs the emulator a lot to parse (F7 not in the measured code). */
export function claimParseSlow(r: BenchResults): boolean {
  return (r.consumerOverhead?.ratioClaimParse.median ?? 1) > 2;
}

export function totalWru(row: BreakdownRow | undefined): number {
  return (row?.tableWruPerJob ?? 0) + Object.values(row?.indexWruPerJob ?? {}).reduce((a, b) => a + b, 0);
}

export function renderFindings(r: BenchResults, push: Push): void {
  const saving = (s: ScenarioResult | undefined, variant: string) => whatIfSaving(r, s, variant);
  const noop = scenario(r, 'noop-many');
  const retry = scenario(r, 'retry-twice');
  const longErrors = scenario(r, 'retry-twice-long-errors');
  const fails = scenario(r, 'fails-4k');
  const wruPrice = r.prices.dynamoWriteRequestUnit.usd * 1e6;
  push('## Findings: waste, what removing it would save, and what was decided', '');
  push(
    'Savings of data-model changes are computed by re-pricing the run\'s recorded item images (before/after each write) under the ' +
      'changed model with the same AWS rules (`bench/what-if.ts`); they are estimates for a decision, not measurements of changed code. ' +
      '$ figures are per million jobs at list prices. Status: F1 and F2 are **kept** by decision, F3 (visibility changes) and F4 and F7 are ' +
      '**fixed**, F6 is **open** (a lazy import was tried and reverted; see there), F5 is by design.',
    '',
  );

  if (noop) {
    const claim = stepUnits(noop, 'claim:');
    const create = stepUnits(noop, 'createQueued:');
    const byStatus = noop.perJob.indexWriteUnits.byStatus ?? 0;
    const sparse = saving(noop, 'sparse-byStatus');
    const drop = saving(noop, 'no-byStatus');
    const sparseRetry = saving(retry, 'sparse-byStatus');
    const sparseFail = saving(fails, 'sparse-byStatus');
    push(
      `**F1. The byStatus index is rewritten on every transition — kept, by decision** (shared/job-table.ts, shared/status-store/status-store.ts \`moveTo()\`). ` +
        `Its key is status + statusAt, and every transition sets both, so AWS bills each transition as an index delete plus an index put: ` +
        `claim costs ${num(totalWru(claim), 2)} WRU (${num(claim?.tableWruPerJob ?? 0)} table + ${num(claim?.indexWruPerJob.byStatus ?? 0)} byStatus), ` +
        `complete the same, the insert ${num(totalWru(create), 2)}. ` +
        `byStatus alone is ${num(byStatus)} of the ${num(noop.perJob.writeRequestUnits)} WRU of a no-op job (${pct(byStatus, noop.perJob.writeRequestUnits)}), ` +
        `${usd(byStatus * wruPrice)} per million jobs.`,
      '',
      '*Decision: keep it as it is.* Every status has readers that need it in the index: `stats` counts jobs per status and its throughput ' +
        '(jobs completed in the last minute, 5 minutes and hour) with COUNT queries on byStatus, its duration percentiles read the jobs completed ' +
        'in the last hour through it, and `list --status completed|running` queries it; the delay dispatcher finds due `scheduled` jobs by it. ' +
        'A sparse index (keys only while a job is scheduled, retrying or failed) would keep the dispatcher but break the counts, the throughput, ' +
        'the durations and those listings, which would then need another source (EMF metrics, queue attributes, a filtered scan of byClass). ' +
        'What it would have saved, priced on the measured runs:',
      '',
      table(
        ['change (not made)', 'no-op job', 'retried twice', 'fails → DLQ (4 KB)'],
        [
          [
            'byStatus sparse: index keys (a separate attribute pair, e.g. `indexStatus` + `indexAt`) only while a job is scheduled, retrying or failed',
            sparse ? `−${num(sparse.wru)} WRU (−${num(sparse.percent, 0)} %), −${usd(sparse.usd)}/M` : '–',
            sparseRetry ? `−${num(sparseRetry.wru)} WRU (−${num(sparseRetry.percent, 0)} %)` : '–',
            sparseFail ? `−${num(sparseFail.wru)} WRU (−${num(sparseFail.percent, 0)} %)` : '–',
          ],
          [
            'no byStatus at all (the dispatcher then needs its own sparse index on the due time)',
            drop ? `−${num(drop.wru)} WRU (−${num(drop.percent, 0)} %), −${usd(drop.usd)}/M` : '–',
            saving(retry, 'no-byStatus') ? `−${num(saving(retry, 'no-byStatus')?.wru ?? 0)} WRU` : '–',
            saving(fails, 'no-byStatus') ? `−${num(saving(fails, 'no-byStatus')?.wru ?? 0)} WRU` : '–',
          ],
        ],
      ),
      '',
      'Dropping only statusAt from the key would not help: the status itself is the partition key, so any status change is a key change. ' +
        '(byClass behaves as the README says: written once, on insert; its keys never change afterwards.)',
      '',
    );
    const noQueued = saving(noop, 'no-queued-record');
    if (noQueued) {
      push(
        `**F2. The queued record at enqueue costs ${num(totalWru(create))} WRU per job — kept, by decision** ` +
          '(shared/sdk/job-client.ts `record()` → status store `createQueued`): 1 table WRU plus one insert into each index. The claim could create ' +
          'the record instead (it already accepts a missing one: `attribute_not_exists(id) OR …`, `if_not_exists` for name, class, gen, maxAttempts, ' +
          `enqueuedAt), which would save ${num(noQueued.wru)} WRU per no-op job (−${num(noQueued.percent, 0)} %, −${usd(noQueued.usd)}/M; together with a ` +
          'sparse byStatus a no-op job would cost 2 table + 1 byClass WRU).',
        '',
        '*Decision: keep it.* Without it a job is invisible to `show`, `list`, `cancel` and `stats` until a consumer picks it up — under a backlog, ' +
          'for as long as the backlog lasts — and an unreachable DynamoDB would no longer be reported at enqueue (today the put fails the call ' +
          'before the message is sent). Jobs with an idempotency key would need the conditional put for deduplication anyway.',
        '',
      );
    }
  }

  if (retry) {
    const cmv = retry.perJob.sqsRequestsByOperation.ChangeMessageVisibility ?? 0;
    const failsSend = fails?.breakdown.find((row) => row.step === 'SendMessage → DLQ');
    const failsCmv = fails?.perJob.sqsRequestsByOperation.ChangeMessageVisibility ?? 0;
    push(
      `**F3. Visibility changes went one request per record — fixed for visibility changes** (lambdas/consumer/visibility-changes.ts: one ` +
        `ChangeMessageVisibilityBatch per ten records per invocation, sent before the batch response returns). Only retried and failed jobs pay these. ` +
        `A job retried twice now makes ${num(cmv)} ChangeMessageVisibility requests and ${num(retry.perJob.sqsRequestsByOperation.ChangeMessageVisibilityBatch ?? 0)} ` +
        `ChangeMessageVisibilityBatch requests (a batch of records failing together shares one). ` +
        (failsSend
          ? `DLQ copies still go one by one (${num(failsSend.sqsRequestsPerJob)} SendMessage per failed job; ${num(failsCmv)} visibility requests before it): each must be sent before its record says \`failed\`. `
          : '') +
        `That is small next to the DynamoDB writes of the same jobs (${num(retry.perJob.writeRequestUnits)} WRU, ${usd(retry.cost.dynamoWrites)}/M for a job retried twice), ` +
        'and the order "visibility before the item failure, DLQ copy before the record says failed" is kept.',
      '',
    );
  }

  if (retry && longErrors) {
    const extra = longErrors.perJob.writeRequestUnits - retry.perJob.writeRequestUnits;
    const firstRetry = stepUnits(longErrors, 'scheduleRetry: UpdateItem running→retrying (attempt 1)');
    const secondRetry = stepUnits(longErrors, 'scheduleRetry: UpdateItem running→retrying (attempt 2)');
    const wruLine = compareLine(r, 'billable', 'writeRequestUnits', longErrors.id);
    const stillDuplicated = (saving(longErrors, 'no-lastError')?.wru ?? 0) > 0;
    push(
      `**F4. Error text stored twice — ${stillDuplicated ? 'still there' : 'fixed'}** (shared/status-store/status-store.ts \`scheduleRetry()\`, \`fail()\`). ` +
        (stillDuplicated
          ? `\`lastError\` repeats the last entry of \`errors\` (up to 500 characters); dropping it would save ${num(saving(longErrors, 'no-lastError')?.wru ?? 0)} WRU per job retried twice with long errors. `
          : 'Retries no longer write `lastError` (it repeated the last entry of `errors`; readers fall back to `errors.at(-1)`), and `fail()` truncates the ' +
            'final reason to 500 characters like the history entries (before, a 10 KB error message made the final write cost ≥ 11 WRU). ') +
        `With 500-character errors (the cap of one history entry) a job retried twice now costs ${num(longErrors.perJob.writeRequestUnits)} WRU${was(r, wruLine)} ` +
        `against ${num(retry.perJob.writeRequestUnits)} with short errors (+${num(extra)}): the item is ${num(firstRetry?.itemBytes?.after ?? 0, 0)} bytes after the first retry ` +
        `and ${num(secondRetry?.itemBytes?.after ?? 0, 0)} after the second, so the writes after the second retry still cost 2 WRU each — that part is the ` +
        'error history itself, which operators read.',
      '',
    );
  }

  if (fails) {
    const failRow = stepUnits(fails, 'fail:');
    if (failRow?.itemBytes) {
      push(
        `**F5. The payload copy on final failure** (status-store \`fail()\`, by design: an operator can retry after the DLQ copy expired): ` +
          `with a 4 KB payload the final write grows the item from ${num(failRow.itemBytes.before, 0)} to ${num(failRow.itemBytes.after, 0)} bytes and costs ` +
          `${num(failRow.tableWruPerJob)} WRU instead of 1 — ${num(failRow.tableWruPerJob - 1)} extra WRU per failed job (up to 32 more at the 32 KB cap). ` +
          'Only failed jobs pay it, so it matters only at high failure rates; the DLQ keeps the message 14 days anyway.',
        '',
      );
    }
  }

  const cold = r.coldStart;
  if (cold) renderF6(r, cold, push);

  const consumer = r.consumerOverhead;
  if (consumer) {
    const store2 = consumer.variants.find((v) => v.id === 'store-2');
    const flat2 = consumer.variants.find((v) => v.id === 'flat-2');
    const consumerMs = consumer.variants.find((v) => v.id === 'consumer');
    const ms = (v: number) => `${num(v, 0)} ms`;
    if (claimParseSlow(r)) {
      push(
        `**F7. Locally, everything waits for dynalite to parse the claim's condition** (shared/status-store/status-store.ts \`claim()\`, ` +
          'shared/status-store/update-expression.ts `condition()`). The claim condition nests parentheses, and dynalite\'s PEG parser backtracks ' +
          `exponentially in that depth: about ${num(claimParseMs(r), 0)} ms of CPU per claim here. Two store writes per record take ${num(store2?.batchMs.median ?? Number.NaN, 0)} ms ` +
          `per batch of 10 as built, ${num(flat2?.batchMs.median ?? Number.NaN, 0)} ms with the same logic written as a flat OR of ANDs (×${num(consumer.ratioClaimParse.median, 1)}). ` +
          `This caps the local pipeline at ~${num(r.endToEnd?.jobsPerSecond.median ?? Number.NaN, 0)} jobs/s; on AWS it costs nothing.`,
        '',
      );
    } else {
      const throughput = compareLine(r, 'endToEnd', 'jobsPerSecond');
      const batchLine = compareLine(r, 'consumer', 'batchMs');
      const parseLine = compareLine(r, 'consumer', 'ratioClaimParse');
      const before = r.beforeAfter?.before.commit;
      push(
        `**F7. Locally, everything waited for dynalite to parse the claim's condition — fixed** (shared/status-store/status-store.ts \`claim()\`, ` +
          'shared/status-store/update-expression.ts `condition()`). The claim condition is now a flat OR of ANDs and `condition()` no longer wraps it ' +
          "in parentheses; dynalite's PEG parser backtracked exponentially in the nesting depth" +
          (parseLine && before ? ` (at ${before} the store's two writes took ×${num(parseLine.before, 1)} as long as the same writes with a flat condition)` : '') +
          `. Now the consumer takes ${ms(consumerMs?.batchMs.median ?? Number.NaN)} per batch of 10${was(r, batchLine, ms)}, and the local pipeline (npm start, ` +
          `the integration tests, this bench) runs a burst at ${num(r.endToEnd?.jobsPerSecond.median ?? Number.NaN, 0)} jobs/s${was(r, throughput, (v) => num(v, 1))}. ` +
          `On AWS it never cost anything (DynamoDB's parser does not care). Parentheses still cost dynalite something: the bench's own "flat" variant, ` +
          `which keeps one pair around each AND group, is now the slower one — the store's writes take ${ms(store2?.batchMs.median ?? Number.NaN)} per batch ` +
          `against its ${ms(flat2?.batchMs.median ?? Number.NaN)} (×${num(consumer.ratioClaimParse.median, 2)}).`,
        '',
      );
    }
  }
}

export function renderF6(r: BenchResults, cold: NonNullable<BenchResults['coldStart']>, push: Push): void {
  const base = cold.variants.find((v) => v.id === 'bundle');
  if (!base) return;
  const noS3 = cold.variants.find((v) => v.id === 'bundle-without-s3');
  const noLocales = cold.variants.find((v) => v.id === 'bundle-without-zod-locales');
  const split = cold.variants.find((v) => v.id === 'bundle-split');
  const maps = cold.variants.find((v) => v.id === 'bundle-source-maps');
  const locales = cold.bundle.packages.find((p) => p.name === 'zod (v4/locales)');
  const s3 = cold.bundle.packages.find((p) => p.name === '@aws-sdk/client-s3');
  const kib = (bytes: number) => `${num(bytes / 1024, 0)} KiB`;
  const delta = (v: typeof base | undefined) =>
    v ? `${kib(v.bundleBytes)}, import ${signedMs(v.importDeltaMs.median)} (paired median; ${num(v.importDeltaMs.min, 0)} to ${num(v.importDeltaMs.max, 0)} ms)` : '–';
  const sizeLine = compareLine(r, 'coldStart', 'bundleBytes');
  const importLine = compareLine(r, 'coldStart', 'importMs');
  const s3Still = noS3 !== undefined && noS3.importDeltaMs.median < -5;
  const lines = [
    `**F6. Every consumer bundle carries code it never runs — open** (lambdas/consumer.ts imports the whole registry). ` +
      `The bundle is ${kib(cold.bundle.bytes)}${was(r, sizeLine, kib)}; module init (\`import()\`), median of ${cold.runs}: ${num(base.importMs.median, 0)} ms` +
      `${was(r, importLine, (v) => `${num(v, 0)} ms`)}. zod's locales (error messages in ~50 languages, never used) are ${kib(locales?.bytes ?? 0)} of it ` +
      `and @aws-sdk/client-s3 (only the report job uses it) ${kib(s3?.bytes ?? 0)}. Without zod's locales: ${delta(noLocales)}; without the S3 client: ${delta(noS3)}.`,
  ];
  if (s3Still) {
    lines.push(
      'A lazy `import()` of the S3 client in the report job was tried and reverted: it deferred *evaluating* the client, but esbuild inlines a ' +
        'dynamic import into the same file and cannot tree-shake a namespace import, so every S3 command got bundled (about +60 KiB), and V8 ' +
        'compiles the whole file at every cold start either way: init time did not move.' +
        (split
          ? ` What would take the saving: esbuild's code splitting, which puts each dynamic import in a file of its own, loaded on first use — the S3 client ` +
            `and, as it happens, the SDK's credential providers (which then load on the first request, if at all): ${kib(split.bundleBytes)} loaded at init` +
            `${cold.split ? ` (${kib(cold.split.lazyBytes)} in chunks loaded later)` : ''}, import ${signedMs(split.importDeltaMs.median)} (paired median; ` +
            `${num(split.importDeltaMs.min, 0)} to ${num(split.importDeltaMs.max, 0)} ms). NodejsFunction bundles to a single \`--outfile\`, so that needs ` +
            'a bundling step of its own; a per-class registry (an entry per class that leaves the report job out) takes the S3 part without it.'
          : ''),
    );
  } else {
    lines.push('Removing the S3 client from the file no longer saves measurable init time in this run.');
  }
  lines.push(
    'Since August 2025 Lambda bills the INIT phase of ZIP functions on managed runtimes, so init time is cost as well as latency, though only once ' +
      "per execution environment. zod's locales can go with `zod/mini` or an esbuild alias that drops `locales`. " +
      `(\`--enable-source-maps\`, which the stack sets: ${maps ? signedMs(maps.importDeltaMs.median) : '–'} at init.)`,
  );
  push(lines.join(' '), '');
}
