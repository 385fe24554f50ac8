import { buildApp } from 'fauxqs';

/** A running fauxqs and how to end it. */
interface RunningFauxqs {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** The parts of fauxqs's own modules used to wire its SQLite persistence by hand. */
interface FauxqsInflight {
  readonly inflightMessages: Map<string, unknown>;
  changeVisibility(receiptHandle: string, timeoutSeconds: number): void;
}
interface FauxqsSqsStore {
  allQueues(): Iterable<FauxqsInflight & { persistence?: unknown }>;
  persistence?: unknown;
}
interface FauxqsPersistence {
  load(sqsStore: unknown, snsStore: unknown, s3Store: unknown): void;
  close(): void;
  updateMessageReady(messageId: string): void;
  readonly db?: { prepare(sql: string): { run(...values: unknown[]): unknown } };
}
type StoreConstructor<T> = new () => T;

/**
 * The store and persistence classes that `startFauxqs` wires together.
 * The package exports only its entry, so they are loaded by file next to
 * it; a fauxqs upgrade that moves them fails here, by name, at start-up.
 */
const loadFauxqsInternals = async (): Promise<{
  SqsStore: StoreConstructor<FauxqsSqsStore>;
  SnsStore: StoreConstructor<{ persistence?: unknown }>;
  S3Store: StoreConstructor<{ persistence?: unknown }>;
  PersistenceManager: new (dataDir: string) => FauxqsPersistence;
}> => {
  const entry = import.meta.resolve('fauxqs');
  const from = async <T>(path: string, name: string): Promise<T> => {
    const loaded = (await import(new URL(path, entry).href)) as Record<string, unknown>;
    if (typeof loaded[name] !== 'function') {
      throw new Error(`fauxqs has no ${name} in ${path}; this fauxqs version cannot keep its data`);
    }
    return loaded[name] as T;
  };
  const [SqsStore, SnsStore, S3Store, PersistenceManager] = await Promise.all([
    from<StoreConstructor<FauxqsSqsStore>>('./sqs/sqsStore.js', 'SqsStore'),
    from<StoreConstructor<{ persistence?: unknown }>>('./sns/snsStore.js', 'SnsStore'),
    from<StoreConstructor<{ persistence?: unknown }>>('./s3/s3Store.js', 'S3Store'),
    from<new (dataDir: string) => FauxqsPersistence>('./persistence.js', 'PersistenceManager'),
  ]);
  return { SqsStore, SnsStore, S3Store, PersistenceManager };
};

/**
 * fauxqs 2.4's `updateMessageReady` (a visibility change to 0, or a
 * release below) writes NULL into the NOT NULL receive count and throws,
 * so `ChangeMessageVisibility` to 0 fails on a persistent fauxqs. This one
 * clears only the in-flight columns and keeps the count, which is what the
 * in-memory message keeps too.
 */
const repairUpdateMessageReady = (persistence: FauxqsPersistence): void => {
  const statement = persistence.db?.prepare(
    'UPDATE sqs_messages SET receipt_handle = NULL, visibility_deadline = NULL WHERE message_id = ?',
  );
  if (!statement)
    throw new Error('fauxqs persistence has no database handle; this fauxqs version cannot keep its data');
  persistence.updateMessageReady = (messageId) => {
    statement.run(messageId);
  };
};

/**
 * Makes the messages the previous run had received, and never deleted,
 * visible again. That run is gone (stopped or killed), so nobody will
 * finish them; on AWS they would come back when their visibility timeout
 * ends (six minutes for the outbound queue), offline they come back now.
 * Their receive count stays, so a message that crashes every run still
 * reaches its DLQ.
 */
const releaseInflight = (store: FauxqsSqsStore): number => {
  let released = 0;
  for (const queue of store.allQueues()) {
    for (const handle of [...queue.inflightMessages.keys()]) {
      queue.changeVisibility(handle, 0);
      released += 1;
    }
  }
  return released;
};

/**
 * Starts fauxqs (SQS) on 127.0.0.1 through its `buildApp` export rather than
 * `startFauxqs`, because `startFauxqs` always binds 0.0.0.0 and an
 * unauthenticated queue service has no business on the network.
 *
 * With `dataDir`, queues and messages (ready, delayed, in flight) are kept
 * in fauxqs's SQLite file (`<dataDir>/fauxqs.db`), written through on every
 * change before the answer, as `startFauxqs({ dataDir })` does: the same
 * wiring, done here because `buildApp` takes ready stores, not a folder.
 *
 * @example
 * const sqs = await startFauxqs({ port: 9324, region: 'us-east-1', dataDir: '.local-data/sqs' });
 * await sqs.stop();
 */
const startFauxqs = async ({
  port,
  region,
  dataDir,
}: {
  port: number;
  region: string;
  /** Folder of the SQLite file; absent: in memory. */
  dataDir?: string;
}): Promise<RunningFauxqs & { released: number }> => {
  if (dataDir === undefined) {
    const app = buildApp({ logger: false, defaultRegion: region });
    const endpoint = await app.listen({ port, host: '127.0.0.1' });
    return { endpoint, released: 0, stop: () => app.close() };
  }
  const { SqsStore, SnsStore, S3Store, PersistenceManager } = await loadFauxqsInternals();
  const sqsStore = new SqsStore();
  const snsStore = new SnsStore();
  const s3Store = new S3Store();
  const persistence = new PersistenceManager(dataDir);
  repairUpdateMessageReady(persistence);
  // Loaded before the stores get their persistence, as startFauxqs does, so loading writes nothing back.
  persistence.load(sqsStore, snsStore, s3Store);
  sqsStore.persistence = persistence;
  snsStore.persistence = persistence;
  s3Store.persistence = persistence;
  for (const queue of sqsStore.allQueues()) queue.persistence = persistence;
  const released = releaseInflight(sqsStore);
  const app = buildApp({
    logger: false,
    defaultRegion: region,
    stores: { sqsStore, snsStore, s3Store } as unknown as NonNullable<Parameters<typeof buildApp>[0]>['stores'],
  });
  app.addHook('preClose', () => persistence.close());
  try {
    const endpoint = await app.listen({ port, host: '127.0.0.1' });
    return { endpoint, released, stop: () => app.close() };
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
};

export { startFauxqs };
export type { RunningFauxqs };
