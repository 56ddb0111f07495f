import { createRequire } from 'node:module'

/**
 * What of `@opentelemetry/api` the packages use to carry a trace across threads and processes.
 * The API is an optional peer of the packages that carry traces: loaded on first use, from where
 * the package is installed, and never a hard dependency.
 */
interface OtelApi {
  context: { active(): unknown; with<T>(context: unknown, fn: () => T): T }
  propagation: {
    inject(context: unknown, carrier: Record<string, string>): void
    extract(context: unknown, carrier: Record<string, string>): unknown
  }
  trace: { getSpanContext(context: unknown): { traceId: string } | undefined }
}

let api: OtelApi | null | undefined

function otel(): OtelApi | null {
  if (api === undefined) {
    try {
      api = createRequire(import.meta.url)('@opentelemetry/api') as OtelApi
    } catch {
      api = null
    }
  }
  return api
}

/** A trace context as it travels: W3C `traceparent` (and `tracestate`) headers. */
export type TraceCarrier = Record<string, string>

/**
 * The active OpenTelemetry trace context as headers for another thread or process, through the
 * propagator the application registered (W3C Trace Context with the OpenTelemetry SDK);
 * undefined when `@opentelemetry/api` is not installed, nothing is being traced, or no
 * propagator writes anything.
 */
export function traceCarrier(): TraceCarrier | undefined {
  const o = otel()
  if (!o) return undefined
  const active = o.context.active()
  if (!o.trace.getSpanContext(active)) return undefined
  const carrier: TraceCarrier = {}
  o.propagation.inject(active, carrier)
  return Object.keys(carrier).length > 0 ? carrier : undefined
}

/**
 * Runs `fn` in the trace context `carrier` holds (from `traceCarrier()` on the other side), so
 * the spans it starts continue that trace; `fn()` alone without a carrier or without the API.
 */
export function withTraceCarrier<T>(carrier: unknown, fn: () => T): T {
  if (carrier === undefined || carrier === null || typeof carrier !== 'object') return fn()
  const o = otel()
  if (!o) return fn()
  const strings: TraceCarrier = {}
  for (const [key, value] of Object.entries(carrier))
    if (typeof value === 'string') strings[key] = value
  return o.context.with(o.propagation.extract(o.context.active(), strings), fn)
}
