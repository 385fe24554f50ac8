import { describe, expect, it } from 'vitest';
import { type MemoryMeasurement, lambdaWarmEstimateMs, recommendMemory } from '../../bench/memory-rule.js';

/** A function as the memory bench measures one; I/O-bound, 512 MB, peaking at 90 MB, unless overridden. */
const aMeasurement = (overrides: Partial<MemoryMeasurement> = {}): MemoryMeasurement => ({
  configuredMb: 512,
  peakRssMb: 90,
  runtimeBaselineMb: 45,
  warmMs: 30,
  warmCpuMs: 6,
  ...overrides,
});

describe('recommendMemory', () => {
  it('recommends 1.5 times the peak plus the runtime baseline for an I/O-bound function', () => {
    // Prepare
    const measured = aMeasurement();

    // Act
    const advice = recommendMemory(measured);

    // Assess
    expect(advice).toEqual({
      recommendedMb: 180,
      floorMb: 180,
      headroomMb: 422,
      cpuBound: false,
      reason: 'I/O-bound: the memory rule',
    });
  });

  it('rounds up to a whole megabyte, never down', () => {
    // Prepare
    const measured = aMeasurement({ peakRssMb: 90.1, runtimeBaselineMb: 45 });

    // Act
    const advice = recommendMemory(measured);

    // Assess: 1.5 x 90.1 + 45 = 180.15
    expect(advice.recommendedMb).toBe(181);
  });

  it('never recommends less than Lambda’s smallest setting of 128 MB', () => {
    // Prepare
    const measured = aMeasurement({ peakRssMb: 40, runtimeBaselineMb: 20 });

    // Act
    const advice = recommendMemory(measured);

    // Assess: 1.5 x 40 + 20 = 80
    expect(advice.recommendedMb).toBe(128);
  });

  it('recommends more than configured when the peak does not fit, with a negative headroom', () => {
    // Prepare
    const measured = aMeasurement({ configuredMb: 256, peakRssMb: 300, runtimeBaselineMb: 50 });

    // Act
    const advice = recommendMemory(measured);

    // Assess
    expect(advice.recommendedMb).toBe(500);
    expect(advice.headroomMb).toBe(-44);
  });

  it('keeps the configured memory of a CPU-bound function, whose CPU would shrink with it', () => {
    // Prepare: 40 of 50 ms on the CPU
    const measured = aMeasurement({ configuredMb: 512, warmMs: 50, warmCpuMs: 40 });

    // Act
    const advice = recommendMemory(measured);

    // Assess
    expect(advice.cpuBound).toBe(true);
    expect(advice.recommendedMb).toBe(512);
    expect(advice.floorMb).toBe(180);
    expect(advice.reason).toBe('CPU-bound (80% CPU): keep the CPU share');
  });

  it('gives a CPU-bound function the memory rule when that asks for more than configured', () => {
    // Prepare
    const measured = aMeasurement({ configuredMb: 128, warmMs: 50, warmCpuMs: 40 });

    // Act
    const advice = recommendMemory(measured);

    // Assess
    expect(advice.recommendedMb).toBe(180);
    expect(advice.cpuBound).toBe(true);
  });

  it('does not call a function CPU-bound for a few milliseconds of compute, whatever its share', () => {
    // Prepare: 5 of 6 ms on the CPU, too little to buy CPU for
    const measured = aMeasurement({ warmMs: 6, warmCpuMs: 5 });

    // Act
    const advice = recommendMemory(measured);

    // Assess
    expect(advice.cpuBound).toBe(false);
    expect(advice.recommendedMb).toBe(180);
  });

  it('refuses a peak that is not a positive number', () => {
    // Prepare
    const measured = aMeasurement({ peakRssMb: Number.NaN });

    // Act
    const act = () => recommendMemory(measured);

    // Assess
    expect(act).toThrow(RangeError);
  });
});

describe('lambdaWarmEstimateMs', () => {
  it('stretches the CPU time by the share of a vCPU the memory buys and keeps the waiting', () => {
    // Prepare
    const measured = { warmMs: 40, warmCpuMs: 30 };

    // Act
    const at256 = lambdaWarmEstimateMs(measured, 256);
    const at1769 = lambdaWarmEstimateMs(measured, 1769);
    const at3008 = lambdaWarmEstimateMs(measured, 3008);

    // Assess
    expect(at256).toBeCloseTo(10 + (30 * 1769) / 256, 6);
    expect(at1769).toBeCloseTo(40, 6);
    expect(at3008).toBeCloseTo(40, 6);
  });
});
