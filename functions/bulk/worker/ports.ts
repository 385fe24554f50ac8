import { announceJob } from '../completion/announce.js';
import { fetchPage } from '../sources/fetch-page.js';
import { fetchLocalPage } from '../sources/local-records.js';
import { pushToCrm } from '../targets/crm-push-apply.js';
import { getCheckpoint, getJob } from '../store/job-reads.js';
import { releaseLock, setJobStatus } from '../store/job-status.js';
import { commitPage, putRecordErrors } from '../store/page-commit.js';
import { sendPage } from '../store/page-queue.js';
import { applyToLocal, prefetchLocal } from '../targets/local.js';
import { applySystemRecord, takesSystemRecord } from '../targets/system-local.js';
import { dynamoRecordStore } from '../../kernel/inbound/dynamo-record-store.js';
import type { PagePorts } from './process-page.js';

/**
 * The page worker's real ports: the source over HTTP, the `bulk` table, the
 * inbound rules on the records table, the `bulkPages` queue. A module of its
 * own so a test can run a page in-process with one port swapped (a crash
 * between apply and commit).
 *
 * @example
 * await processPage(message, { ...workerPorts, commitPage: crash });
 */
const workerPorts: PagePorts = {
  getJob,
  getCheckpoint,
  setJobStatus,
  releaseLock,
  // Our own store pages by a Scan; every other source over HTTP.
  fetchPage: (request) => (request.source === 'local' ? fetchLocalPage(request) : fetchPage(request)),
  applyRecord: (job, record, prefetched) =>
    job.target === 'crm'
      ? pushToCrm(job, record)
      : takesSystemRecord(job)
        ? applySystemRecord(job, record)
        : applyToLocal(job, record, dynamoRecordStore, prefetched),
  // Our store's records of a page in BatchGetItem calls, not one GetItem each; a dry run reads them too.
  prefetch: (job, records) =>
    job.target === 'crm' || takesSystemRecord(job) ? Promise.resolve(undefined) : prefetchLocal(job, records),
  putRecordErrors,
  commitPage,
  sendPage,
  announce: announceJob,
  now: () => new Date(),
};

export { workerPorts };
