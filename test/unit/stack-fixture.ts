import { readFileSync } from 'node:fs';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnElement } from 'aws-cdk-lib';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import type { NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { addNagChecks } from '../../lib/nag.js';
import { SyncToolsStack, type SyncToolsStackProps } from '../../lib/stack.js';

/**
 * The app as `npx cdk synth` builds it (same feature flags from cdk.json,
 * same nag packs), built once per test file: the tests of a file share one
 * synth.
 */
export interface SynthesizedApp {
  readonly app: App;
  readonly stack: SyncToolsStack;
  readonly packs: readonly NagPack[];
  readonly template: Template;
}

/** How much of `npx cdk synth` a test synth does beyond building the template and running cdk-nag. */
export interface SynthesisOptions {
  /**
   * Also bundle every function with esbuild and run CloudFormation's own
   * template validation (on, with its errors fatal, through cdk.json), as
   * `npx cdk synth` does. Together they are most of a synth's time (about
   * 8 of 10 CPU seconds) and change nothing the stack decides: without
   * them a function's code is a placeholder asset, and the template differs
   * only in the asset hashes (test/unit/stack.test.ts holds that). One file
   * per run, stack.test.ts, builds the app as deployed and checks the
   * bundles; the others build it in about a second.
   * @default false
   */
  readonly asDeployed?: boolean;
}

const cdkContext = (): Record<string, unknown> => {
  const config = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return config.context ?? {};
};

/**
 * Builds and synthesizes the app, with the project topology or another one.
 *
 * @example
 * const built = synthesizeApp(); // template, construct tree and nag packs, in about a second
 * const deployed = synthesizeApp({}, { asDeployed: true }); // the same, bundled and validated: seconds
 * const extended = synthesizeApp({ topology: { ...topology, schedules: [...] } });
 */
export const synthesizeApp = (props: SyncToolsStackProps = {}, options: SynthesisOptions = {}): SynthesizedApp => {
  const app = new App({
    // An empty list of stacks to bundle: every function gets a placeholder asset instead of an esbuild run.
    context: { ...cdkContext(), ...(options.asDeployed ? {} : { [BUNDLING_STACKS]: [] }) },
    builtinCloudFormationValidation: options.asDeployed ?? false,
  });
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
      .violations.map(
        (v) => `${v.ruleName} (${v.severity}): ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
      ),
  );

/** Every acknowledgement recorded in the app, with its reason. */
export const acknowledgements = (app: App): { path: string; id: string; reason: string }[] =>
  app.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id,
          reason,
        })),
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
    .flatMap(
      (policy) => (policy.Properties?.PolicyDocument as { Statement: Statement[] } | undefined)?.Statement ?? [],
    );

export const actionsOf = (statement: Statement): string[] =>
  Array.isArray(statement.Action) ? statement.Action : [statement.Action];

/** Whether a statement's resources mention a logical id (as a Ref, a GetAtt or inside a Join). */
export const mentions = (statement: Statement, logicalId: string): boolean =>
  JSON.stringify(statement.Resource).includes(`"${logicalId}"`);
