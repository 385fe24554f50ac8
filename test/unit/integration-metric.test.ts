import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** The module as a fresh container loads it: the switches are read at the first count. */
const freshCount = async () => {
  vi.resetModules();
  return (await import('../../functions/kernel/integration-metric.js')).countForIntegration;
};

/** The EMF documents written to stdout while `act` runs. */
const emfWrittenBy = (act: () => void): Record<string, unknown>[] => {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    act();
  } finally {
    spy.mockRestore();
  }
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
};

describe('countForIntegration', () => {
  beforeEach(() => {
    // The test config silences metrics; these tests are about what would be published.
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('publishes one count at once under the integration dimension, with no flush by the handler', async () => {
    // Prepare
    const countForIntegration = await freshCount();

    // Act
    const documents = emfWrittenBy(() => countForIntegration('Inbound_synced', 'crm'));

    // Assess
    expect(documents).toHaveLength(1);
    const [document] = documents;
    expect(document).toMatchObject({ Inbound_synced: 1, integration: 'crm' });
    const emf = document?._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] } | undefined;
    const directive = emf?.CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe('SyncTools');
    expect(directive?.Dimensions[0]).toContain('integration');
    expect(directive?.Dimensions[0]).toContain('service');
  });

  it('keeps the integrations of one batch apart', async () => {
    // Prepare
    const countForIntegration = await freshCount();

    // Act
    const documents = emfWrittenBy(() => {
      countForIntegration('Outbound_delivered', 'crm');
      countForIntegration('Outbound_delivered', 'erp', 3);
    });

    // Assess
    expect(documents.map((document) => [document.integration, document.Outbound_delivered])).toEqual([
      ['crm', 1],
      ['erp', 3],
    ]);
  });

  it('publishes nothing when metrics are disabled', async () => {
    // Prepare
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    const countForIntegration = await freshCount();

    // Act
    const documents = emfWrittenBy(() => countForIntegration('Alert_sent', 'slack'));

    // Assess
    expect(documents).toEqual([]);
  });
  it.each([
    [
      'POWERTOOLS_DEV=true, POWERTOOLS_METRICS_DISABLED unset',
      { POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: undefined },
      0,
    ],
    [
      'POWERTOOLS_DEV=true, POWERTOOLS_METRICS_DISABLED=false',
      { POWERTOOLS_DEV: 'true', POWERTOOLS_METRICS_DISABLED: 'false' },
      1,
    ],
    ['POWERTOOLS_METRICS_DISABLED=1', { POWERTOOLS_METRICS_DISABLED: '1' }, 0],
  ])('reads the switches as Powertools did: %s publishes %i', async (_case, variables, published) => {
    // Prepare
    for (const [name, value] of Object.entries(variables)) vi.stubEnv(name, value);
    const countForIntegration = await freshCount();

    // Act
    const documents = emfWrittenBy(() => countForIntegration('Inbound_synced', 'erp'));

    // Assess
    expect(documents).toHaveLength(published);
  });

  it('stamps each document with the time of the count, in the configured namespace and service', async () => {
    // Prepare
    vi.useFakeTimers();
    vi.setSystemTime(Date.parse('2026-12-04T10:00:00Z'));
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'Custom');
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'stock');
    const countForIntegration = await freshCount();

    // Act
    const [document] = emfWrittenBy(() => countForIntegration('Alert_sent', 'slack'));
    vi.useRealTimers();

    // Assess
    expect(document).toEqual({
      _aws: {
        Timestamp: Date.parse('2026-12-04T10:00:00Z'),
        CloudWatchMetrics: [
          {
            Namespace: 'Custom',
            Dimensions: [['service', 'integration']],
            Metrics: [{ Name: 'Alert_sent', Unit: 'Count' }],
          },
        ],
      },
      service: 'stock',
      integration: 'slack',
      Alert_sent: 1,
    });
  });
});
