/**
 * The Powertools service name (`POWERTOOLS_SERVICE_NAME`) of a function,
 * from its topology name in kebab case: `adminAuthorizer` logs and counts
 * as `admin-authorizer`. The CDK stack sets it on AWS and the offline
 * runtime sets it on each execution environment; both derive it here, so
 * logs and metrics carry the same service offline as on AWS.
 * Imports nothing, as every wiring module.
 *
 * @example
 * serviceName('adminAuthorizer'); // 'admin-authorizer'
 */
const serviceName = (functionName: string): string => functionName.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

export { serviceName };
