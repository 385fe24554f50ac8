#!/usr/bin/env node
/**
 * The CDK app: one environment-agnostic stack, checked by cdk-nag.
 *
 * No account or region is looked up, so `npx cdk synth` runs without AWS
 * credentials; `npx cdk deploy` takes both from the caller's profile.
 * Optional context (`-c key=value` or cdk.json):
 * - `mailIdentities`: comma-separated SES identities (domain or address)
 *   mail may be sent from; without it, any identity of the account.
 * - `reserveConcurrency=false`: no reserved concurrency for the public
 *   webhooks, for an account whose Lambda concurrency quota cannot spare
 *   it (Lambda keeps 100 unreserved; new accounts may start far below 1,000).
 * - `alarmEmail`: an address the CloudWatch alarms (and their recoveries)
 *   are mailed to; AWS asks it to confirm the subscription once.
 */
import { App, Tags } from 'aws-cdk-lib';
import { addNagChecks } from '../lib/nag.js';
import { SyncToolsStack } from '../lib/stack.js';

const app = new App();

const listFromContext = (key: string): string[] => {
  const value: unknown = app.node.tryGetContext(key);
  if (Array.isArray(value)) return value.map(String).filter(Boolean);
  if (typeof value === 'string')
    return value
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  return [];
};

const alarmEmail = String(app.node.tryGetContext('alarmEmail') ?? '').trim();

new SyncToolsStack(app, 'SyncTools', {
  mailIdentities: listFromContext('mailIdentities'),
  reserveConcurrency: String(app.node.tryGetContext('reserveConcurrency') ?? 'true') !== 'false',
  ...(alarmEmail ? { alarmEmail } : {}),
});

// Every resource says what it belongs to, for cost reports and the console.
Tags.of(app).add('project', 'sync-tools');

// Last, so the checks see the whole app; any unacknowledged finding fails the synth.
addNagChecks(app);
