import { beforeAll, describe, expect, it } from 'vitest';
import { topologyProblems } from '../../lib/check-topology.js';
import { stackPropsFromContext } from '../../lib/deploy-context.js';
import { selectTools, toolNames } from '../../lib/tool-selection.js';
import { topology } from '../../lib/topology.js';
import {
  type CfnResourceJson,
  actionsOf,
  logicalIdOf,
  nagFindings,
  resourcesOf,
  statementsOfRole,
  type SynthesizedApp,
  synthesizeApp,
} from './stack-fixture.js';

/**
 * The deployment choices an operator makes with `cdk deploy -c key=value`
 * (lib/deploy-context.ts, lib/tool-selection.ts): which tools, existing
 * secrets, throttles and log retention, each reaching the template, and
 * each mistake failing the synth with a message that says what to do.
 */

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties have no static type here.
type Json = any;

const CRM_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shared/crm-AbCdEf';
/** A partial ARN: the name without the six characters Secrets Manager appends. */
const ADMIN_SECRET_ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:shared/admin-token';

const choices = {
  tools: 'crm,monitor',
  'secretArns.crm': CRM_SECRET_ARN,
  secretArns: JSON.stringify({ admin: ADMIN_SECRET_ARN }),
  'throttle.public': '5/7',
  'throttle.admin': '2/3',
  'throttle.stage': '30/40',
  logRetentionDays: '30',
};

let chosen: SynthesizedApp;

beforeAll(() => {
  chosen = synthesizeApp(stackPropsFromContext(choices));
}, 120_000);

const stageProps = (app: SynthesizedApp): Json =>
  Object.values(resourcesOf(app.template, 'AWS::ApiGatewayV2::Stage'))[0]?.Properties;

const functionProps = (app: SynthesizedApp, name: string): Json => {
  const fn = app.stack.functions.get(name);
  if (!fn) throw new Error(`no function ${name}`);
  return resourcesOf(app.template, 'AWS::Lambda::Function')[logicalIdOf(fn.function)]?.Properties;
};

/** What a context makes of the stack, or the message it fails with. */
const failureOf = (context: Record<string, unknown>): string => {
  try {
    stackPropsFromContext(context);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the context was accepted');
};

describe('Function: stackPropsFromContext', () => {
  it('gives the stack as always built when the context has no choices', () => {
    // Act
    const props = stackPropsFromContext({});
    // Assess
    expect(props).toEqual({ mailIdentities: [] });
  });

  it('keeps the earlier keys: mail identities, reserved concurrency off and the alarm address', () => {
    // Act
    const props = stackPropsFromContext({
      mailIdentities: 'example.com, ops@example.com',
      reserveConcurrency: 'false',
      alarmEmail: 'ops@example.com',
    });
    // Assess
    expect(props).toEqual({
      mailIdentities: ['example.com', 'ops@example.com'],
      reserveConcurrency: false,
      alarmEmail: 'ops@example.com',
    });
  });

  it('refuses an unknown tool, listing the known ones', () => {
    // Act
    const message = failureOf({ tools: 'crm,shop' });
    // Assess
    expect(message).toContain('Unknown tool "shop" in -c tools');
    expect(message).toContain(`The tools are: ${toolNames().join(', ')}`);
  });

  it('refuses a tool without the tool whose table it uses, naming what to add', () => {
    // Act
    const message = failureOf({ tools: 'erp' });
    // Assess
    expect(message).toContain('erp needs inventory: its function erpWebhook uses "inventory"');
    expect(message).toContain('-c tools=erp,inventory');
  });

  it('lists every problem of the context at once', () => {
    // Act
    const message = failureOf({
      tools: 'nope',
      logRetentionDays: '31',
      'throttle.public': 'fast',
      'secretArns.crm': 'crm-secret',
      'secretArns.shop': CRM_SECRET_ARN,
      alarmEmail: 'ops',
      reserveConcurrency: 'maybe',
    });
    // Assess
    expect(message.split('\n- ').slice(1)).toEqual([
      expect.stringContaining('Unknown tool "nope"'),
      'secretArns.crm: not a Secrets Manager secret ARN (arn:aws:secretsmanager:...:secret:...).',
      expect.stringContaining('secretArns.shop: no such integration; the integrations are admin, crm,'),
      'throttle.public: give RATE/BURST, requests a second and burst, both positive (e.g. 50/100).',
      expect.stringContaining('logRetentionDays=31: CloudWatch Logs keeps logs for 1, 3, 5, 7, 14, 30,'),
      'alarmEmail=ops: not one e-mail address.',
      'reserveConcurrency=maybe: give true or false.',
    ]);
  });

  it.each(['0/10', '10/0', '10/2.5', '10'])('refuses the throttle %s', (value) => {
    // Act
    const message = failureOf({ 'throttle.admin': value });
    // Assess
    expect(message).toContain('throttle.admin: give RATE/BURST');
  });

  it('skips an existing secret of an integration the chosen tools do not read', () => {
    // Act
    const props = stackPropsFromContext({ tools: 'crm', 'secretArns.hr': CRM_SECRET_ARN });
    // Assess
    expect(props.existingSecrets).toBeUndefined();
    expect(props.topology?.integrations).not.toHaveProperty('hr');
  });
});

describe('Function: selectTools', () => {
  it.each(toolNames())('deploys %s alone, or says which tools it needs, and the result passes the checks', (tool) => {
    // Prepare
    const needed = (() => {
      try {
        selectTools([tool]);
        return [];
      } catch (error) {
        return /-c tools=(\S+)/.exec((error as Error).message)?.[1]?.split(',') ?? ['(no advice)'];
      }
    })();
    // Act
    const selected = selectTools(needed.length > 0 ? needed : [tool]);
    // Assess
    expect(topologyProblems(selected)).toEqual([]);
  });

  it('gives the whole topology when every tool is chosen', () => {
    // Act
    const selected = selectTools(toolNames());
    // Assess
    expect(selected).toEqual(topology);
  });

  it('drops a shared function grant on a table of a tool left out', () => {
    // Act
    const selected = selectTools(['crm']);
    // Assess
    expect(Object.keys(selected.functions.dispatcher?.tables ?? {})).not.toContain('erp');
    expect(Object.keys(selected.functions.dispatcher?.tables ?? {})).toContain('records');
    expect(topology.functions.dispatcher?.tables).toHaveProperty('erp');
  });
});

describe('Stack: deployment choices from the context', () => {
  it('builds only the chosen tools functions beside the shared ones', () => {
    // Act
    const names = [...chosen.stack.functions.keys()].sort();
    // Assess
    const expected = Object.keys(selectTools(['crm', 'monitor']).functions).sort();
    expect(names).toEqual(expected);
    expect(names).toEqual(expect.arrayContaining(['crmInbound', 'crmOutbound', 'dispatcher', 'syncMonitor']));
    expect(names).not.toContain('erpWebhook');
    expect(Object.keys(resourcesOf(chosen.template, 'AWS::Lambda::Function'))).toHaveLength(expected.length);
  });

  it('builds only the shared tables, none of a tool left out', () => {
    // Act
    const tables = [...chosen.stack.tables.keys()];
    // Assess
    expect(tables).not.toEqual(expect.arrayContaining(['erp']));
    expect(tables).not.toContain('inventory');
    expect(tables).not.toContain('users');
    expect(tables).toContain('records');
    expect(Object.keys(resourcesOf(chosen.template, 'AWS::DynamoDB::Table'))).toHaveLength(tables.length);
  });

  it('routes only to the chosen tools and the shared API', () => {
    // Act
    const routeKeys = Object.values(resourcesOf(chosen.template, 'AWS::ApiGatewayV2::Route')).map(
      (route) => route.Properties?.RouteKey,
    );
    // Assess
    expect(routeKeys).toContain('POST /webhooks/crm');
    expect(routeKeys).toContain('GET /health');
    expect(routeKeys).not.toContain('POST /webhooks/erp');
    expect(routeKeys).not.toContain('POST /webhooks/inventory');
  });

  it('passes cdk-nag with the choices', () => {
    // Assess
    expect(nagFindings(chosen)).toEqual([]);
  });

  it('creates no secret for an integration given an existing one, and still creates the others', () => {
    // Act
    const secrets = resourcesOf(chosen.template, 'AWS::SecretsManager::Secret');
    // Assess
    expect(chosen.stack.secrets.has('crm')).toBe(false);
    expect(chosen.stack.secrets.has('admin')).toBe(false);
    expect(chosen.stack.secrets.has('erp')).toBe(true);
    expect(Object.keys(secrets)).toHaveLength(chosen.stack.secrets.size);
    expect(JSON.stringify(secrets)).not.toContain('sync-tools CRM');
  });

  it('gives the reading functions the existing secret ARN and read access to exactly it', () => {
    // Act
    const env = functionProps(chosen, 'crmInbound').Environment.Variables;
    const role = chosen.stack.functions.get('crmInbound')?.role;
    if (!role) throw new Error('no role');
    const statements = statementsOfRole(chosen.template, logicalIdOf(role)).filter((s) =>
      actionsOf(s).includes('secretsmanager:GetSecretValue'),
    );
    // Assess
    expect(env.CRM_SECRET_ARN).toBe(CRM_SECRET_ARN);
    expect(statements.map((s) => s.Resource)).toEqual([CRM_SECRET_ARN]);
  });

  it('reads a secret given by its partial ARN through the name plus Secrets Manager suffix', () => {
    // Act
    const role = chosen.stack.functions.get('adminAuthorizer')?.role;
    if (!role) throw new Error('no role');
    const resources = statementsOfRole(chosen.template, logicalIdOf(role))
      .filter((s) => actionsOf(s).includes('secretsmanager:GetSecretValue'))
      .map((s) => s.Resource);
    // Assess
    expect(resources).toEqual([`${ADMIN_SECRET_ARN}-??????`]);
    expect(functionProps(chosen, 'adminAuthorizer').Environment.Variables.ADMIN_SECRET_ARN).toBe(ADMIN_SECRET_ARN);
  });

  it('asks to fill in only the secrets it created', () => {
    // Act
    const outputs = Object.keys(chosen.template.toJSON().Outputs as Record<string, unknown>);
    // Assess
    expect(outputs.filter((id) => id.endsWith('SecretArn')).sort()).toEqual(
      [...chosen.stack.secrets.keys()].map((name) => `${name[0]?.toUpperCase()}${name.slice(1)}SecretArn`).sort(),
    );
    expect(outputs).not.toContain('CrmSecretArn');
    expect(outputs).not.toContain('AdminSecretArn');
  });

  it('throttles routes without a budget of their own and the stage as the context says', () => {
    // Act
    const stage = stageProps(chosen);
    // Assess
    expect(stage.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 30, ThrottlingBurstLimit: 40 });
    expect(stage.RouteSettings['POST /webhooks/crm']).toEqual({ ThrottlingRateLimit: 5, ThrottlingBurstLimit: 7 });
    expect(stage.RouteSettings['GET /admin/settings']).toEqual({ ThrottlingRateLimit: 2, ThrottlingBurstLimit: 3 });
  });

  it('keeps every function and access log group for the days the context says', () => {
    // Act
    const groups = Object.values(resourcesOf(chosen.template, 'AWS::Logs::LogGroup')) as CfnResourceJson[];
    // Assess
    expect(groups.length).toBeGreaterThan(chosen.stack.functions.size);
    expect(new Set(groups.map((group) => group.Properties?.RetentionInDays))).toEqual(new Set([30]));
  });

  it('refuses an existing secret for an integration the topology does not have', () => {
    // Act
    const build = () => synthesizeApp({ topology: selectTools(['crm']), existingSecrets: { hr: CRM_SECRET_ARN } });
    // Assess
    expect(build).toThrow('Existing secrets for integrations the topology does not have: hr.');
  });
});
