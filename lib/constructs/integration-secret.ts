import { RemovalPolicy, SecretValue } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import type { IntegrationSpec } from '../../functions/kernel/wiring/integrations.js';

export interface IntegrationSecretProps {
  readonly integration: string;
  /** Its declaration: the fields to fill in (`functions/kernel/wiring/integrations.ts`). */
  readonly spec: IntegrationSpec;
}

/**
 * The Secrets Manager secret holding one integration's settings (API keys,
 * webhook secrets, URLs) as a JSON object. The stack creates it holding
 * `{}`; an operator fills in the fields after deploy. Its description lists
 * the fields, taken from its declaration in `functions/kernel/wiring/integrations.ts`, so the
 * console shows exactly what to enter.
 *
 * The initial value never changes, so CloudFormation never writes it again
 * and a later deploy cannot wipe what the operator entered. Until the fields
 * are there, the handlers answer 503 naming what is missing.
 *
 * @example
 * const crm = new IntegrationSecret(secrets, 'Crm', { integration: 'crm', spec: integrations.crm });
 */
export class IntegrationSecret extends secretsmanager.Secret {
  public readonly integration: string;
  /** What to fill in: the JSON fields and what each holds. */
  public readonly instructions: string;

  public constructor(scope: Construct, id: string, props: IntegrationSecretProps) {
    const instructions = secretDescription(props.spec);
    super(scope, id, {
      description: instructions,
      // Not a secret: a constant empty object, the placeholder to fill in.
      secretStringValue: SecretValue.unsafePlainText('{}'),
      // Typed in by hand after deploy; losing them to a replacement would hurt.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.integration = props.integration;
    this.instructions = instructions;
  }
}

/** What an operator needs to know to fill the secret in; Secrets Manager allows 2,048 characters. */
const secretDescription = (spec: IntegrationSpec): string => {
  const fields = Object.entries(spec.fields).map(([key, field]) => `"${key}" (${field.hint})`);
  return `sync-tools ${spec.title} settings. Set the value to a JSON object with: ${fields.join(', ')}.`.slice(0, 2048);
};
