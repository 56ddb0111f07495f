export type { ErrorContext, MxErrorOptions } from './errors'
export {
  BenchTaskError,
  InvalidLabelError,
  InvalidMetricNameError,
  InvalidOptionError,
  InvalidValueError,
  MetricConflictError,
  MxError,
  ProfileInProgressError,
} from './errors'
export { Histogram } from './histogram'
export type { Profiler, ProfilerOptions } from './profiler'
export { createProfiler } from './profiler'
export { spanEndChannel, spanStartChannel } from './spans'
export type {
  AllocationSite,
  Clock,
  CounterHandle,
  CounterSnapshot,
  CpuProfileOptions,
  CpuProfileResult,
  DistributionStats,
  GaugeHandle,
  GaugeSnapshot,
  GcKindStats,
  HeapProfileOptions,
  HeapProfileResult,
  HistogramHandle,
  HistogramSnapshot,
  HitRatio,
  Hotspot,
  Labels,
  MetricOptions,
  MetricType,
  ProfilerEvents,
  ProfilerSnapshot,
  RuntimeSnapshot,
  StageSnapshot,
  TimelinePoint,
} from './types'
