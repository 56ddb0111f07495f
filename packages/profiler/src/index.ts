export type { Dashboard, DashboardOptions } from './dashboard'
export { serveDashboard } from './dashboard'
export type { ErrorContext, MxErrorOptions } from './errors'
export {
  BenchTaskError,
  InvalidLabelError,
  InvalidMetricNameError,
  InvalidOptionError,
  InvalidValueError,
  isMxError,
  MetricConflictError,
  MxError,
  ProfileInProgressError,
} from './errors'
export { Histogram } from './histogram'
export type { Profiler, ProfilerOptions } from './profiler'
export { createProfiler } from './profiler'
export type { PrometheusOptions } from './prometheus'
export type { RenderOptions } from './report/render'
export { renderReport } from './report/render'
export { type SpanAttributes, spanEndChannel, spanStartChannel } from './spans'
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
  HistogramOptions,
  HistogramSnapshot,
  HistogramUnit,
  HitRatio,
  Hotspot,
  Labels,
  MetricOptions,
  MetricSummary,
  MetricType,
  ProfilerEvents,
  ProfilerSnapshot,
  RuntimeSnapshot,
  StageSnapshot,
  TimelinePoint,
} from './types'
