/**
 * The rule that turns a function's measured peak memory and duration into a
 * Lambda memory setting (issue 15). Pure, so the rule is tested apart from
 * the bench that measures (test/unit/memory-rule.test.ts).
 */

/** Lambda's smallest memory setting; above it any whole megabyte up to 10,240 is allowed. */
const LAMBDA_MIN_MB = 128;
const LAMBDA_MAX_MB = 10_240;
/** Headroom over the measured peak: payloads and batches in production are larger than the bench's. */
const PEAK_FACTOR = 1.5;
/**
 * Share of the warm duration spent on the CPU above which a function is
 * called CPU-bound: its duration is compute, not waiting on DynamoDB or SQS.
 */
const CPU_BOUND_SHARE = 0.5;
/**
 * Warm duration under which CPU does not matter, however high its share:
 * a few milliseconds of compute cost nothing worth buying CPU for.
 */
const CPU_BOUND_MIN_MS = 20;

export interface MemoryMeasurement {
  /** Memory configured in the topology today. */
  readonly configuredMb: number;
  /** Peak resident set size of the function's process over init and every invocation. */
  readonly peakRssMb: number;
  /**
   * Resident set size of an empty Node process on the same machine: what
   * the runtime itself takes, counted again on top of the 1.5x because
   * Lambda's runtime client and its buffers live in the same memory.
   */
  readonly runtimeBaselineMb: number;
  /** Median warm invocation, wall clock. */
  readonly warmMs: number;
  /** Median warm invocation, CPU time (user + system). */
  readonly warmCpuMs: number;
}

export interface MemoryRecommendation {
  readonly recommendedMb: number;
  /** What the memory rule alone asks for: 1.5x the peak plus the runtime's baseline, at least 128. */
  readonly floorMb: number;
  /** Configured minus peak, in MB: negative when the function would not fit. */
  readonly headroomMb: number;
  readonly cpuBound: boolean;
  /** Why, in a few words, for the bench table. */
  readonly reason: string;
}

/**
 * Recommends a memory setting from measurements: at least 1.5x the measured
 * peak RSS plus the Node runtime's baseline, in whole megabytes from 128.
 * Lambda allots CPU in proportion to memory (a full vCPU at 1,769 MB), so a
 * CPU-bound function is never recommended less than it has today: cutting
 * its memory would cut its CPU and lengthen every invocation. An I/O-bound
 * one (most of its time waiting on the engines) gets the floor, as more
 * memory would buy it CPU it does not use.
 *
 * @example
 * recommendMemory({ configuredMb: 512, peakRssMb: 90, runtimeBaselineMb: 45, warmMs: 12, warmCpuMs: 3 });
 * // { recommendedMb: 180, floorMb: 180, headroomMb: 422, cpuBound: false, reason: 'I/O-bound: the memory rule' }
 */
const recommendMemory = (measured: MemoryMeasurement): MemoryRecommendation => {
  if (!(measured.peakRssMb > 0) || !(measured.runtimeBaselineMb >= 0)) {
    throw new RangeError('peakRssMb must be positive and runtimeBaselineMb not negative');
  }
  const floorMb = Math.min(
    LAMBDA_MAX_MB,
    Math.max(LAMBDA_MIN_MB, Math.ceil(PEAK_FACTOR * measured.peakRssMb + measured.runtimeBaselineMb)),
  );
  const cpuShare = measured.warmMs > 0 ? measured.warmCpuMs / measured.warmMs : 0;
  const cpuBound = measured.warmMs >= CPU_BOUND_MIN_MS && cpuShare >= CPU_BOUND_SHARE;
  const headroomMb = Math.round(measured.configuredMb - measured.peakRssMb);
  if (cpuBound && measured.configuredMb > floorMb) {
    return {
      recommendedMb: measured.configuredMb,
      floorMb,
      headroomMb,
      cpuBound,
      reason: `CPU-bound (${Math.round(cpuShare * 100)}% CPU): keep the CPU share`,
    };
  }
  return {
    recommendedMb: floorMb,
    floorMb,
    headroomMb,
    cpuBound,
    reason: cpuBound ? `CPU-bound (${Math.round(cpuShare * 100)}% CPU), memory rule` : 'I/O-bound: the memory rule',
  };
};

/** Memory at which Lambda gives a function one full vCPU; below it, CPU in proportion. */
const FULL_VCPU_MB = 1769;

/**
 * What a warm invocation measured on one full core of this machine would
 * take on Lambda at `memoryMb`: the waiting stays, the CPU time stretches
 * by the share of a vCPU that memory buys (no faster above 1,769 MB for a
 * single-threaded handler). A rough guide, as this machine's core is not
 * Lambda's, but it shows what cutting memory costs a CPU-heavy function.
 *
 * @example
 * lambdaWarmEstimateMs({ warmMs: 40, warmCpuMs: 30 }, 256); // 10 + 30 * 1769 / 256 = 217.3
 */
const lambdaWarmEstimateMs = (measured: Pick<MemoryMeasurement, 'warmMs' | 'warmCpuMs'>, memoryMb: number): number => {
  const cpuMs = Math.min(measured.warmCpuMs, measured.warmMs);
  return measured.warmMs - cpuMs + cpuMs * Math.max(1, FULL_VCPU_MB / memoryMb);
};

export { recommendMemory, lambdaWarmEstimateMs, LAMBDA_MIN_MB, PEAK_FACTOR };
