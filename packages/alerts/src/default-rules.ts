import { durationOption } from './duration'
import { checkKnownKeys, checkOptionsObject } from './kernel'
import type { Duration, Labels, MetricSample, MetricsSnapshot, Rule } from './types'

/** Tuning of one threshold rule of the built-in set; `false` leaves the rule out. */
export interface ThresholdRuleOptions {
  metric?: string
  threshold?: number
  resolveThreshold?: number
  for?: Duration
  keepFiringFor?: Duration
  severity?: string
}

/** Tuning of the queue-growth rule. */
export interface QueueGrowthOptions {
  metric?: string
  /** Growth is measured across this window. Default `'10m'`. */
  window?: Duration
  /** Fires when the depth grew by more than this across the window. Default 100. */
  minGrowth?: number
  for?: Duration
  severity?: string
}

export interface DefaultRulesOptions {
  /** Labels added to every rule, e.g. `{ team: 'search' }`. */
  labels?: Labels
  cacheHitRatio?: ThresholdRuleOptions | false
  extractionLatency?: ThresholdRuleOptions | false
  errorRate?: ThresholdRuleOptions | false
  memoryPressure?: ThresholdRuleOptions | false
  eventLoopDelay?: ThresholdRuleOptions | false
  queueDepth?: QueueGrowthOptions | false
  benchmarkRegression?: ThresholdRuleOptions | false
}

// The keys of the options and of each rule's tuning: `satisfies` makes the compiler keep every
// list complete.
const DEFAULT_RULES_OPTIONS = Object.keys({
  labels: true,
  cacheHitRatio: true,
  extractionLatency: true,
  errorRate: true,
  memoryPressure: true,
  eventLoopDelay: true,
  queueDepth: true,
  benchmarkRegression: true,
} satisfies Record<keyof DefaultRulesOptions, true>)
const THRESHOLD_RULE_OPTIONS = Object.keys({
  metric: true,
  threshold: true,
  resolveThreshold: true,
  for: true,
  keepFiringFor: true,
  severity: true,
} satisfies Record<keyof ThresholdRuleOptions, true>)
const QUEUE_GROWTH_OPTIONS = Object.keys({
  metric: true,
  window: true,
  minGrowth: true,
  for: true,
  severity: true,
} satisfies Record<keyof QueueGrowthOptions, true>)

/** Refuses an unknown key of the options and of each rule's tuning, naming the nearest one. */
function checkKeys(options: DefaultRulesOptions): void {
  checkOptionsObject(options, 'options', 'defaultRules()')
  checkKnownKeys(options, DEFAULT_RULES_OPTIONS, 'defaultRules()')
  for (const key of DEFAULT_RULES_OPTIONS) {
    const tuning = options[key as keyof DefaultRulesOptions]
    if (key === 'labels' || typeof tuning !== 'object' || tuning === null) continue
    const known = key === 'queueDepth' ? QUEUE_GROWTH_OPTIONS : THRESHOLD_RULE_OPTIONS
    checkKnownKeys(tuning, known, 'defaultRules()', key)
  }
}

interface Preset {
  name: string
  op: Rule['op']
  defaults: Required<Omit<ThresholdRuleOptions, 'keepFiringFor' | 'resolveThreshold'>> & {
    resolveThreshold?: number
  }
  summary: string
  description: string
}

const PRESETS: Record<Exclude<keyof DefaultRulesOptions, 'labels' | 'queueDepth'>, Preset> = {
  cacheHitRatio: {
    name: 'CacheHitRatioLow',
    op: '<',
    defaults: {
      metric: 'cache.hitRatio',
      threshold: 0.8,
      resolveThreshold: 0.85,
      for: '5m',
      severity: 'warning',
    },
    summary: 'Cache hit ratio is {{ $value | humanizePercentage }}',
    description: 'The cache serves too few hits; extraction is redoing work it already did.',
  },
  extractionLatency: {
    name: 'ExtractionLatencyHigh',
    op: '>',
    defaults: {
      metric: 'extract.duration.p95',
      threshold: 2000,
      resolveThreshold: 1500,
      for: '5m',
      severity: 'warning',
    },
    summary: 'p95 extraction latency is {{ $value | printf "%.0f" }} ms',
    description: 'Documents take too long to extract at the 95th percentile.',
  },
  errorRate: {
    name: 'ExtractionErrorRateHigh',
    op: '>',
    defaults: {
      metric: 'extract.errorRate',
      threshold: 0.05,
      resolveThreshold: 0.02,
      for: '2m',
      severity: 'critical',
    },
    summary: 'Extraction error rate is {{ $value | humanizePercentage }}',
    description: 'Too many documents fail to extract.',
  },
  memoryPressure: {
    name: 'MemoryPressureCritical',
    op: '>',
    defaults: {
      metric: 'memory.heapUsedRatio',
      threshold: 0.9,
      resolveThreshold: 0.8,
      for: '1m',
      severity: 'critical',
    },
    summary: 'Heap usage is {{ $value | humanizePercentage }} of the limit',
    description: 'The process is close to running out of memory.',
  },
  eventLoopDelay: {
    name: 'EventLoopDelayHigh',
    op: '>',
    defaults: {
      metric: 'eventLoop.delay.p99',
      threshold: 200,
      resolveThreshold: 100,
      for: '1m',
      severity: 'warning',
    },
    summary: 'p99 event-loop delay is {{ $value | printf "%.0f" }} ms',
    description: 'The event loop is blocked; something runs on the main thread that should not.',
  },
  benchmarkRegression: {
    name: 'BenchmarkRegression',
    op: '>',
    defaults: { metric: 'bench.regression', threshold: 1.1, for: 0, severity: 'warning' },
    summary: 'A benchmark is {{ $value | printf "%.2f" }}x its baseline',
    description: 'A benchmark got slower than its baseline beyond the allowed ratio.',
  },
}

function sampleValue(sample: MetricSample | number | undefined): number | undefined {
  return typeof sample === 'number' ? sample : sample?.value
}

function queueGrowthRule(options: QueueGrowthOptions, labels: Labels): Rule {
  const metric = options.metric ?? 'queue.depth'
  const windowMs = durationOption('queueDepth.window', options.window ?? '10m')
  const samples: Array<[number, number]> = []
  return {
    name: 'QueueDepthGrowing',
    // Growth across the window: current depth minus the oldest depth seen within it.
    expr: (snapshot: MetricsSnapshot, { now }) => {
      const depth = sampleValue(snapshot.metrics[metric])
      if (depth === undefined) return undefined
      samples.push([now, depth])
      while (samples.length > 1 && (samples[0] as [number, number])[0] < now - windowMs)
        samples.shift()
      return depth - (samples[0] as [number, number])[1]
    },
    op: '>',
    threshold: options.minGrowth ?? 100,
    for: options.for ?? '5m',
    severity: options.severity ?? 'warning',
    labels,
    annotations: {
      summary: 'Queue depth grew by {{ $value }} within the window',
      description: 'Work arrives faster than it is processed.',
    },
  }
}

/**
 * The built-in rule set for extraction pipelines: cache hit ratio low, p95 extraction latency
 * high, error rate high, memory pressure critical, event-loop delay high, queue depth growing,
 * benchmark regression. Each can be tuned (metric path, thresholds, `for`) or left out with `false`.
 */
export function defaultRules(options: DefaultRulesOptions = {}): Rule[] {
  checkKeys(options)
  const labels = { ...options.labels }
  const rules: Rule[] = []
  for (const [key, preset] of Object.entries(PRESETS) as Array<[keyof typeof PRESETS, Preset]>) {
    const tuning = options[key]
    if (tuning === false) continue
    const merged = { ...preset.defaults, ...tuning }
    // A tuned threshold without its own resolveThreshold drops the default one, which may not fit.
    if (tuning?.threshold !== undefined && tuning.resolveThreshold === undefined)
      merged.resolveThreshold = undefined
    const rule: Rule = {
      name: preset.name,
      metric: merged.metric,
      op: preset.op,
      threshold: merged.threshold,
      for: merged.for,
      severity: merged.severity,
      labels,
      annotations: { summary: preset.summary, description: preset.description },
    }
    if (merged.resolveThreshold !== undefined) rule.resolveThreshold = merged.resolveThreshold
    if (merged.keepFiringFor !== undefined) rule.keepFiringFor = merged.keepFiringFor
    rules.push(rule)
  }
  if (options.queueDepth !== false) rules.push(queueGrowthRule(options.queueDepth ?? {}, labels))
  return rules
}
