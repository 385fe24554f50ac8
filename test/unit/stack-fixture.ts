import { readFileSync } from 'node:fs';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnElement } from 'aws-cdk-lib';
import type { NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { addNagChecks } from '../../lib/nag.js';
import { SyncToolsStack, type SyncToolsStackProps } from '../../lib/stack.js';

/**
 * The app as `npx cdk synth` builds it (same feature flags from cdk.json,
 * same nag packs), built once per test file: bundling every function takes
 * seconds, so the tests of a file share one synth.
 */
export interface SynthesizedApp {
  readonly app: App;
  readonly stack: SyncToolsStack;
  readonly packs: readonly NagPack[];
  readonly template: Template;
}

const cdkContext = (): Record<string, unknown> => {
  const config = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return config.context ?? {};
};

export const synthesizeApp = (props: SyncToolsStackProps = {}): SynthesizedApp => {
  const app = new App({ context: cdkContext() });
  const stack = new SyncToolsStack(app, 'SyncTools', props);
  const packs = addNagChecks(app);
  // Throws, like `cdk synth`, on any unacknowledged nag finding.
  app.synth();
  return { app, stack, packs, template: Template.fromStack(stack) };
};

/** The logical id CloudFormation will see for an L1 resource or an L2's default child. */
export const logicalIdOf = (construct: IConstruct): string => {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(element);
};

/** Every unacknowledged nag finding, one line each: empty when clean. */
export const nagFindings = ({ app, packs }: SynthesizedApp): string[] =>
  packs.flatMap((pack) =>
    pack
      .validateScope(app)
      .violations.map((v) => `${v.ruleName} (${v.severity}): ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
  );

/** Every acknowledgement recorded in the app, with its reason. */
export const acknowledgements = (app: App): { path: string; id: string; reason: string }[] =>
  app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({ path: construct.node.path, id, reason })),
      ),
  );

/** A CloudFormation resource as the assertions library returns it. */
export interface CfnResourceJson {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
}

export const resourcesOf = (template: Template, type: string): Record<string, CfnResourceJson> =>
  template.findResources(type) as Record<string, CfnResourceJson>;

/** `{ Ref: id }` and `{ 'Fn::GetAtt': [id, attr] }` as written in a template. */
export const ref = (logicalId: string): { Ref: string } => ({ Ref: logicalId });
export const getAtt = (logicalId: string, attribute: string): { 'Fn::GetAtt': [string, string] } => ({
  'Fn::GetAtt': [logicalId, attribute],
});

/** The policy statements attached to a role, across all its policies. */
export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
  readonly Principal?: unknown;
}

export const statementsOfRole = (template: Template, roleLogicalId: string): Statement[] =>
  Object.values(resourcesOf(template, 'AWS::IAM::Policy'))
    .filter((policy) => JSON.stringify(policy.Properties?.Roles).includes(`"${roleLogicalId}"`))
    .flatMap((policy) => (policy.Properties?.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? []);

export const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

/** Whether a statement's resources mention a logical id (as a Ref, a GetAtt or inside a Join). */
export const mentions = (statement: Statement, logicalId: string): boolean =>
  JSON.stringify(statement.Resource).includes(`"${logicalId}"`);
