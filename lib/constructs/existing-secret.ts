import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

/** A secret a function reads one integration's settings from: created by the stack or imported. */
export interface BindableSecret extends secretsmanager.ISecret {
  /** The integration whose settings it holds; names the function's environment variable. */
  readonly integration: string;
}

/**
 * The tail Secrets Manager appends to a secret's name in its ARN: a complete
 * ARN ends with it, a partial one (as an operator may type it) does not.
 */
const RANDOM_SUFFIX = /-[A-Za-z0-9]{6}$/;

/**
 * An integration secret that already exists (`-c secretArns.crm=arn:...`),
 * for an operator who keeps credentials in secrets of their own (shared
 * with other stacks, or created by a security team). The stack neither
 * creates nor retains it, and it outlives `cdk destroy` untouched; functions
 * get read access to exactly this ARN, as with a created secret. A complete
 * ARN (the console's, ending in `-` and six characters) is granted exactly;
 * a partial one (the name only) is granted with Secrets Manager's suffix
 * wildcard, which is the only way to name it.
 *
 * @example
 * const crm = existingSecret(secrets, 'Crm', 'crm', 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:crm-AbCdEf');
 * fn.bindSecret(crm);
 */
const existingSecret = (scope: Construct, id: string, integration: string, arn: string): BindableSecret => {
  const secret = RANDOM_SUFFIX.test(arn)
    ? secretsmanager.Secret.fromSecretCompleteArn(scope, id, arn)
    : secretsmanager.Secret.fromSecretPartialArn(scope, id, arn);
  return Object.assign(secret, { integration });
};

export { existingSecret };
