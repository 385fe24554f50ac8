import { crmPlayground } from './crm.js';
import { erpPlayground } from './erp.js';
import {
  type FakeAnswer,
  type FakeHttpServer,
  type RecordedRequest,
  type Responder,
  startFakeHttpServer,
} from './fake-http-server.js';
import { callLine } from './call-line.js';
import { pagerDutyPlayground } from './pagerduty.js';
import type { PlaygroundEnv, PlaygroundSystem } from './playground-system.js';
import { posPlayground } from './pos.js';
import { shopPlayground } from './shop.js';
import { slackPlayground } from './slack.js';
import { wmsPlayground } from './wms.js';

/**
 * Starts the playground `npm start` runs beside the stack: a local server
 * for each outside system (CRM, ERP, shop, POS, WMS, Slack, PagerDuty)
 * whose configured URL points at this machine (127.0.0.1, localhost) on a
 * port nothing else holds, so the `.env.example` settings reach something
 * that answers as the real system would, and every call shows as one line.
 *
 * A port already taken is reported and left alone: the user runs the real
 * system or a stand-in of their own there. A URL elsewhere is the real
 * system; it is not played. `OFFLINE_PLAYGROUND=0` (or `false`, `no`,
 * `off`) or `npm start -- --no-playground` turns the whole thing off.
 */
const SYSTEMS: readonly PlaygroundSystem[] = [
  crmPlayground,
  erpPlayground,
  shopPlayground,
  posPlayground,
  wmsPlayground,
  slackPlayground,
  pagerDutyPlayground,
];
const FLAG = '--no-playground';
const OFF_WORDS = new Set(['0', 'false', 'no', 'off']);
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
/** Calls kept per server: enough to look back on, bounded for a stack left running for days. */
const KEEP_REQUESTS = 1000;

export interface PlaygroundOptions {
  /** `npm start`'s arguments: `--no-playground` turns the playground off. */
  readonly argv: readonly string[];
  /** The environment with `.env` loaded: URLs, keys and OFFLINE_PLAYGROUND. */
  readonly env: PlaygroundEnv;
  /** Where the call lines go; stdout by default. */
  readonly print?: (line: string) => void;
  readonly now?: () => Date;
}

export interface Playground {
  /** The systems played, with the URL each answers at. */
  readonly running: readonly { readonly name: string; readonly url: string; readonly server: FakeHttpServer }[];
  /** The start banner's section: what runs, what was skipped and why, how to turn it off. */
  readonly bannerLines: readonly string[];
  stop(): Promise<void>;
}

type Target = { readonly port: number; readonly host: string } | { readonly skip: string } | undefined;

/** Where a system is to be played, why not, or undefined when its URL is not set (the integration report says so). */
const targetOf = (system: PlaygroundSystem, env: PlaygroundEnv): Target => {
  const raw = env[system.urlSetting];
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { skip: `${system.urlSetting} is not a URL` };
  }
  if (!LOOPBACK.has(url.hostname)) return undefined;
  if (url.protocol !== 'http:')
    return { skip: `${system.urlSetting} is ${url.protocol}// (the playground speaks http only)` };
  if (url.port === '') return { skip: `${system.urlSetting} names no port` };
  return { port: Number(url.port), host: url.hostname === '[::1]' ? '::1' : '127.0.0.1' };
};

/**
 * The system's answer, or a 500 naming what broke: a responder that throws
 * (a path that is not valid percent-encoding) must not take `npm start`
 * down with an unhandled rejection.
 */
const answerSafely = (answer: Responder, request: RecordedRequest): FakeAnswer => {
  try {
    return answer(request);
  } catch (error) {
    return { status: 500, body: { error: 'playground_error', message: (error as Error).message } };
  }
};

/**
 * `argv` without `--no-playground`, for the argument parsers that do not know it.
 *
 * @example
 * dataDirFrom(withoutPlaygroundFlag(process.argv.slice(2)));
 */
const withoutPlaygroundFlag = (argv: readonly string[]): string[] => argv.filter((arg) => arg !== FLAG);

/**
 * @example
 * const playground = await startPlayground({ argv: process.argv.slice(2), env: process.env });
 * // ... playground.bannerLines in the banner; on shutdown:
 * await playground.stop();
 */
const startPlayground = async ({
  argv,
  env,
  print = (line) => process.stdout.write(`${line}\n`),
  now = () => new Date(),
}: PlaygroundOptions): Promise<Playground> => {
  if (argv.includes(FLAG) || OFF_WORDS.has((env.OFFLINE_PLAYGROUND ?? '').trim().toLowerCase())) {
    return {
      running: [],
      bannerLines: ['  Playground       off (OFFLINE_PLAYGROUND=0 or --no-playground)'],
      stop: async () => undefined,
    };
  }
  const running: { name: string; url: string; server: FakeHttpServer }[] = [];
  const notes: string[] = [];
  for (const system of SYSTEMS) {
    const target = targetOf(system, env);
    if (!target) continue;
    if ('skip' in target) {
      notes.push(`    ! ${system.name}: ${target.skip}; not played`);
      continue;
    }
    const answer = system.responder({ env, now });
    try {
      const server = await startFakeHttpServer(
        (request) => {
          const given = answerSafely(answer, request);
          print(callLine(system.name, request, given));
          return given;
        },
        { port: target.port, host: target.host, keep: KEEP_REQUESTS },
      );
      running.push({ name: system.name, url: env[system.urlSetting] ?? server.url, server });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const why = code === 'EADDRINUSE' ? `port ${target.port} is in use` : (error as Error).message;
      notes.push(
        `    ! ${system.name}: ${why}; not started (whatever listens there gets ${system.urlSetting}'s calls)`,
      );
    }
  }
  const bannerLines =
    running.length === 0 && notes.length === 0
      ? ['  Playground       nothing to play: no integration URL points at this machine']
      : [
          '  Playground       stand-ins for the outside systems, each call printed as one "playground ..." line',
          '                   (OFFLINE_PLAYGROUND=0 or npm start -- --no-playground turns them off)',
          ...running.map(({ name, url }) => `    ${name.padEnd(10)} ${url}`),
          ...notes,
        ];
  return {
    running,
    bannerLines,
    stop: async () => {
      await Promise.all(running.map(({ server }) => server.close()));
    },
  };
};

export { startPlayground, withoutPlaygroundFlag };
