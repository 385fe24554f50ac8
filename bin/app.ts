#!/usr/bin/env node
/**
 * The CDK app: one environment-agnostic stack, checked by cdk-nag.
 *
 * No account or region is looked up, so `npx cdk synth` runs without AWS
 * credentials; `npx cdk deploy` takes both from the caller's profile.
 * What to deploy comes from the context (`-c key=value` or cdk.json), read
 * by `lib/deploy-context.ts`; none of it is required:
 * - `tools=crm,inventory`: only these tools (kernel and platform always).
 * - `secretArns.<integration>=arn:...`: an existing secret instead of a new one.
 * - `throttle.public=50/100`, `throttle.admin=10/20`, `throttle.stage=100/200`.
 * - `logRetentionDays=30`: how long function and access logs are kept.
 * - `mailIdentities`: comma-separated SES identities (domain or address)
 *   mail may be sent from; without it, any identity of the account.
 * - `reserveConcurrency=false`: no reserved concurrency for the public
 *   webhooks, for an account whose Lambda concurrency quota cannot spare
 *   it (Lambda keeps 100 unreserved; new accounts may start far below 1,000).
 * - `alarmEmail`: an address the CloudWatch alarms (and their recoveries)
 *   are mailed to; AWS asks it to confirm the subscription once.
 */
import { App, Tags } from 'aws-cdk-lib';
import { stackPropsFromContext } from '../lib/deploy-context.js';
import { addNagChecks } from '../lib/nag.js';
import { SyncToolsStack, type SyncToolsStackProps } from '../lib/stack.js';

const app = new App();

/** The props the context chooses; a bad choice ends the synth with its message alone, no stack trace. */
const chosenProps = (): SyncToolsStackProps => {
  try {
    return stackPropsFromContext(app.node.getAllContext());
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
};

new SyncToolsStack(app, 'SyncTools', chosenProps());

// Every resource says what it belongs to, for cost reports and the console.
Tags.of(app).add('project', 'sync-tools');

// Last, so the checks see the whole app; any unacknowledged finding fails the synth.
addNagChecks(app);
