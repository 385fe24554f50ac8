/**
 * AWS list prices, us-east-1, that `bench/cost.ts` turns usage into US
 * dollars with: the one place they live, each with the page it was taken
 * from, so a price change is one edit here and the cost table follows.
 *
 * Taken on 2026-12-03 (the date below), first pricing tier of each service,
 * no free tier (a million changes a month would use it up, and the budget
 * should hold for an account that has none left). Where a page renders its
 * numbers through a script and the stored copy shows none, the figure is the
 * one AWS's own worked examples and whitepapers quote, and the note says so.
 */

/** Where and when a price was taken. */
export interface PriceSource {
  readonly url: string;
  readonly note?: string;
}

/** One price: US dollars per `unit`. */
export interface Price {
  readonly usd: number;
  readonly unit: string;
  readonly source: PriceSource;
}

/** Every price the cost table uses. */
export interface Prices {
  /** The day the prices were read from the pages below. */
  readonly takenOn: string;
  readonly region: string;
  readonly lambdaRequest: Price;
  /** Arm (Graviton), as every function of the topology runs on Arm. */
  readonly lambdaGbSecondArm: Price;
  readonly dynamodbWriteRequestUnit: Price;
  readonly dynamodbReadRequestUnit: Price;
  /** The queues on a change's path (outbound, bulkPages) are FIFO, dearer than standard ($0.40). */
  readonly sqsFifoRequest: Price;
  readonly httpApiRequest: Price;
  readonly sesMail: Price;
}

const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const DYNAMODB = 'https://aws.amazon.com/dynamodb/pricing/on-demand/';
const SQS = 'https://aws.amazon.com/sqs/pricing/';
const API_GATEWAY = 'https://aws.amazon.com/api-gateway/pricing/';
const SES = 'https://aws.amazon.com/ses/pricing/';

/**
 * The prices of 2026-12-03, us-east-1, on-demand.
 *
 * @example
 * const dollars = wcu * usPrices.dynamodbWriteRequestUnit.usd;
 */
const usPrices: Prices = {
  takenOn: '2026-12-03',
  region: 'us-east-1',
  lambdaRequest: {
    usd: 0.2 / 1e6,
    unit: 'request',
    source: { url: LAMBDA, note: '$0.20 per 1M requests, x86 and Arm alike' },
  },
  lambdaGbSecondArm: {
    usd: 0.0000133334,
    unit: 'GB-second',
    source: { url: LAMBDA, note: 'Arm, first 7.5 billion GB-s a month; billed per 1 ms' },
  },
  dynamodbWriteRequestUnit: {
    usd: 0.625 / 1e6,
    unit: 'write request unit',
    source: {
      url: DYNAMODB,
      note: '$0.625 per million WRU since the on-demand price cut of 2024-11-01 (was $1.25); standard table class',
    },
  },
  dynamodbReadRequestUnit: {
    usd: 0.125 / 1e6,
    unit: 'read request unit',
    source: { url: DYNAMODB, note: '$0.125 per million RRU since 2024-11-01 (was $0.25); standard table class' },
  },
  sqsFifoRequest: {
    usd: 0.5 / 1e6,
    unit: 'request',
    source: { url: SQS, note: 'FIFO, first 100 billion requests a month; each 64 KB of payload is one request' },
  },
  httpApiRequest: {
    usd: 1.0 / 1e6,
    unit: 'request',
    source: {
      url: API_GATEWAY,
      note: "HTTP API, first 300 million a month, metered per 512 KB; the page renders its table by script, the figure is its worked example's and AWS's API Gateway whitepaper's",
    },
  },
  sesMail: {
    usd: 0.1 / 1000,
    unit: 'mail',
    source: { url: SES, note: '$0.10 per 1,000 outbound mails, before attachments (none here) and data transfer' },
  },
};

export { usPrices };
