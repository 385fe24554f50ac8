import type { Prices } from './prices.js';

/**
 * What a million changes cost, per path: a pure function of what one change
 * uses (Lambda invocations and their duration at the configured memory,
 * DynamoDB request units, SQS requests, API Gateway requests, mails) and
 * the list prices of `bench/prices.ts`. `bench/cost-usage.ts` fills the
 * usage from the suites' rows of a run; where no suite measures a quantity
 * it is counted from the code path, and the table says which.
 *
 * DynamoDB Streams reads are not priced: GetRecords calls made by a Lambda
 * trigger are free. Storage, logs and data transfer are left out: they
 * scale with retention and payloads, not with the count of changes.
 */

/** Whether a quantity was measured by a suite in this run or counted from the code. */
export type UsageSource = 'measured' | 'counted';

/** A quantity used per change, and where it comes from. */
export interface Quantity {
  readonly value: number;
  readonly source: UsageSource;
  /** What makes up the quantity, for the table's note. */
  readonly what: string;
}

/** One function's share of a change. */
export interface LambdaUse {
  readonly function: string;
  readonly memoryMb: number;
  /** Invocations per change: 1 for a webhook, 1/batch size for a batched consumer. */
  readonly invocations: number;
  /** Billed duration of one invocation, ms. */
  readonly durationMs: number;
  readonly source: UsageSource;
  /** Where the duration comes from, for the table's note. */
  readonly what?: string;
}

/** What one change of a path uses. */
export interface PathUsage {
  readonly path: string;
  readonly lambdas: readonly LambdaUse[];
  readonly writeUnits: readonly Quantity[];
  readonly readUnits: readonly Quantity[];
  /** Both queues on a change's path (outbound, bulkPages) are FIFO. */
  readonly sqsFifoRequests: readonly Quantity[];
  readonly apiRequests: readonly Quantity[];
  readonly mails: readonly Quantity[];
  /** A budget on the dollars per million changes. */
  readonly maxUsdPerMillion?: number;
}

/** A path's dollars per million changes, split by service. */
export interface CostRow {
  readonly path: string;
  readonly usdPerMillion: number;
  readonly lambda: number;
  readonly dynamodb: number;
  readonly sqs: number;
  readonly api: number;
  readonly mail: number;
  /** `measured`, `counted` or `measured + counted`: where the quantities come from. */
  readonly source: string;
  readonly maxUsdPerMillion?: number;
  /** Set when the path has a budget. */
  readonly withinTarget?: boolean;
  /** The measured quantities, named: what a reader checks against the suites' rows. */
  readonly measured: readonly string[];
  /** The counted quantities, named: what a reader checks against the code. */
  readonly counted: readonly string[];
}

const MILLION = 1e6;

const sum = (quantities: readonly Quantity[]): number => quantities.reduce((total, q) => total + q.value, 0);

/** Lambda bills a request, and duration rounded up to the ms, at memory/1024 GB. */
const lambdaUsd = (use: LambdaUse, prices: Prices): number =>
  use.invocations *
  (prices.lambdaRequest.usd +
    (Math.ceil(use.durationMs) / 1000) * (use.memoryMb / 1024) * prices.lambdaGbSecondArm.usd);

const sourceOf = (sources: readonly UsageSource[]): string => {
  const kinds = new Set(sources);
  if (kinds.size === 2) return 'measured + counted';
  return kinds.has('measured') ? 'measured' : 'counted';
};

const round = (value: number): number => +value.toFixed(3);

/** The quantities of one source, named: what a reader checks against the suites' rows or the code. */
const quantitiesFrom = (usage: PathUsage, source: UsageSource): string[] => [
  ...usage.lambdas
    .filter((use) => use.source === source)
    .map(
      (use) =>
        `${use.function} ${round(use.invocations)} inv x ${round(use.durationMs)} ms at ${use.memoryMb} MB${use.what ? ` (${use.what})` : ''}`,
    ),
  ...(
    [
      ['WRU', usage.writeUnits],
      ['RRU', usage.readUnits],
      ['SQS req', usage.sqsFifoRequests],
      ['API req', usage.apiRequests],
      ['mail', usage.mails],
    ] as const
  ).flatMap(([unit, quantities]) =>
    quantities.filter((q) => q.source === source).map((q) => `${round(q.value)} ${unit} (${q.what})`),
  ),
];

/**
 * Dollars per million changes for each path, from what one change uses and
 * the list prices; a path with a budget gets `withinTarget`.
 *
 * @example
 * const rows = costRows([crmInboundUsage], usPrices);
 * rows[0].usdPerMillion; // 3.1
 */
const costRows = (usages: readonly PathUsage[], prices: Prices): CostRow[] =>
  usages.map((usage) => {
    const perChange = {
      lambda: usage.lambdas.reduce((total, use) => total + lambdaUsd(use, prices), 0),
      dynamodb:
        sum(usage.writeUnits) * prices.dynamodbWriteRequestUnit.usd +
        sum(usage.readUnits) * prices.dynamodbReadRequestUnit.usd,
      sqs: sum(usage.sqsFifoRequests) * prices.sqsFifoRequest.usd,
      api: sum(usage.apiRequests) * prices.httpApiRequest.usd,
      mail: sum(usage.mails) * prices.sesMail.usd,
    };
    const perMillion = {
      lambda: perChange.lambda * MILLION,
      dynamodb: perChange.dynamodb * MILLION,
      sqs: perChange.sqs * MILLION,
      api: perChange.api * MILLION,
      mail: perChange.mail * MILLION,
    };
    const usdPerMillion = perMillion.lambda + perMillion.dynamodb + perMillion.sqs + perMillion.api + perMillion.mail;
    const sources = [
      ...usage.lambdas.map((use) => use.source),
      ...[usage.writeUnits, usage.readUnits, usage.sqsFifoRequests, usage.apiRequests, usage.mails].flatMap(
        (quantities) => quantities.map((q) => q.source),
      ),
    ];
    return {
      path: usage.path,
      usdPerMillion,
      ...perMillion,
      source: sourceOf(sources),
      ...(usage.maxUsdPerMillion === undefined
        ? {}
        : { maxUsdPerMillion: usage.maxUsdPerMillion, withinTarget: usdPerMillion <= usage.maxUsdPerMillion }),
      measured: quantitiesFrom(usage, 'measured'),
      counted: quantitiesFrom(usage, 'counted'),
    };
  });

const usd = (value: number): string => `$${value.toFixed(2)}`;

/**
 * The cost rows as the plain-text table `npm run bench` ends with, followed
 * by what was counted rather than measured and the prices' date.
 *
 * @example
 * process.stdout.write(formatCostTable(costRows(usages, usPrices), usPrices));
 */
const formatCostTable = (rows: readonly CostRow[], prices: Prices): string => {
  const header = ['path', '$ / 1M changes', 'Lambda', 'DynamoDB', 'SQS', 'API GW', 'SES', 'target', 'status', 'from'];
  const lines = rows.map((row) => [
    row.path,
    usd(row.usdPerMillion),
    usd(row.lambda),
    usd(row.dynamodb),
    usd(row.sqs),
    usd(row.api),
    usd(row.mail),
    row.maxUsdPerMillion === undefined ? '' : `≤ ${usd(row.maxUsdPerMillion)}`,
    row.withinTarget === undefined ? '' : row.withinTarget ? 'ok' : 'MISSED',
    row.source,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((line) => (line[i] ?? '').length)));
  const numeric = new Set([1, 2, 3, 4, 5, 6]);
  const render = (cells: readonly string[]) =>
    `  ${cells.map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0))).join('  ')}`.trimEnd();
  const table = [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n');
  const details = rows
    .flatMap((row) => [
      ...(row.measured.length > 0 ? [`  ${row.path}: measured ${row.measured.join('; ')}`] : []),
      ...(row.counted.length > 0 ? [`  ${row.path}: counted ${row.counted.join('; ')}`] : []),
    ])
    .join('\n');
  return (
    `cost: US dollars per million changes, ${prices.region} list prices of ${prices.takenOn} (bench/prices.ts), Lambda on Arm at each function's memoryMb\n` +
    `${table}\n${details ? `${details}\n` : ''}`
  );
};

export { costRows, formatCostTable };
