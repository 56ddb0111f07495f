import { AsyncLocalStorage } from 'node:async_hooks'
import diagnosticsChannel from 'node:diagnostics_channel'
import { Histogram } from './histogram'
import type { Clock, StageSnapshot } from './types'

/** Published when a span starts: `{ name, path, attributes? }`. */
export const spanStartChannel = diagnosticsChannel.channel('mx:profiler:span:start')
/** Published when a span ends: `{ name, path, durationMs, error, attributes? }`. */
export const spanEndChannel = diagnosticsChannel.channel('mx:profiler:span:end')

export interface StageNode {
  name: string
  path: string
  count: number
  errors: number
  totalMs: number
  selfMs: number
  histogram: Histogram
  children: Map<string, StageNode>
}

/** One running span. */
export interface Frame {
  node: StageNode
  parent: Frame | undefined
  start: number
  /** Direct children running now; while > 0, time since `coverStart` is covered by children. */
  activeChildren: number
  coverStart: number
  /** Time covered by at least one direct child (the union of their intervals). */
  coveredMs: number
  /** The span's attributes, or its parent's (a correlation id reaches nested stages). */
  attributes: SpanAttributes | undefined
}

/** String values that travel with a span and the spans under it (e.g. `{ correlationId }`). */
export type SpanAttributes = Readonly<Record<string, string>>

export interface SpanEnd {
  name: string
  path: string
  durationMs: number
  error: boolean
  attributes?: SpanAttributes
}

function createNode(name: string, path: string): StageNode {
  return {
    name,
    path,
    count: 0,
    errors: 0,
    totalMs: 0,
    selfMs: 0,
    histogram: new Histogram(path),
    children: new Map(),
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  )
}

/**
 * Builds a stage tree from nested spans. The current span travels in an AsyncLocalStorage,
 * so work started inside a span (awaits, timers, callbacks bound to it) lands under it.
 */
/** Runs a span's function in its place (see `SpanTracker.wrapper`). */
export type SpanWrapper = <T>(
  name: string,
  fn: () => T,
  attributes: SpanAttributes | undefined,
) => T

export class SpanTracker {
  readonly root = createNode('', '')
  readonly storage = new AsyncLocalStorage<Frame>()

  constructor(
    private readonly now: Clock,
    private readonly recording: boolean,
  ) {}

  /** Called on every span end while set (the profiler sets it while `span` has listeners). */
  onEnd: ((end: SpanEnd) => void) | undefined

  /**
   * Runs every span's function while set: the OpenTelemetry bridge (`@mx/profiler/otel`) makes
   * each span an OTel span active around it.
   */
  wrapper: SpanWrapper | undefined

  /**
   * Runs `fn` as stage `name` under the current span; returns what `fn` returns. `attributes`
   * go with the span's channel messages and `span` events, and with those of the spans under it.
   */
  run<T>(name: string, fn: () => T, attributes?: SpanAttributes): T {
    const wrap = this.wrapper
    if (!this.recording && !spanStartChannel.hasSubscribers && !spanEndChannel.hasSubscribers)
      return wrap ? wrap(name, fn, attributes) : fn()
    const frame = this.begin(name, attributes)
    const inner = wrap ? () => wrap(name, fn, attributes) : fn
    let result: T
    try {
      result = this.storage.run(frame, inner)
    } catch (error) {
      this.finish(frame, true)
      throw error
    }
    if (isThenable(result)) {
      return Promise.resolve(result).then(
        (value) => {
          this.finish(frame, false)
          return value
        },
        (error: unknown) => {
          this.finish(frame, true)
          throw error
        },
      ) as T
    }
    this.finish(frame, false)
    return result
  }

  /** Starts stage `name` under the current span without entering it (see `run`). */
  begin(name: string, attributes?: SpanAttributes): Frame {
    const parent = this.storage.getStore()
    const parentNode = parent ? parent.node : this.root
    let node = parentNode.children.get(name)
    if (!node) {
      node = createNode(name, parentNode.path ? `${parentNode.path}/${name}` : name)
      parentNode.children.set(name, node)
    }
    const frame: Frame = {
      node,
      parent,
      start: 0,
      activeChildren: 0,
      coverStart: 0,
      coveredMs: 0,
      attributes: attributes ?? parent?.attributes,
    }
    if (spanStartChannel.hasSubscribers)
      spanStartChannel.publish(
        frame.attributes
          ? { name, path: node.path, attributes: frame.attributes }
          : { name, path: node.path },
      )
    const start = this.now()
    frame.start = start
    if (parent && parent.activeChildren++ === 0) parent.coverStart = start
    return frame
  }

  /** Ends a frame from `begin`. A method rather than a per-call closure: spans are hot. */
  finish(frame: Frame, error: boolean): void {
    const end = this.now()
    const durationMs = Math.max(0, end - frame.start)
    const node = frame.node
    // Children still running (detached work) cover the parent up to its own end.
    const covered = frame.coveredMs + (frame.activeChildren > 0 ? end - frame.coverStart : 0)
    if (this.recording) {
      node.count++
      if (error) node.errors++
      node.totalMs += durationMs
      node.selfMs += Math.max(0, durationMs - covered)
      node.histogram.record(durationMs)
    }
    const parent = frame.parent
    if (parent && --parent.activeChildren === 0) parent.coveredMs += end - parent.coverStart
    if (spanEndChannel.hasSubscribers || this.onEnd) {
      const message: SpanEnd = { name: node.name, path: node.path, durationMs, error }
      if (frame.attributes) message.attributes = frame.attributes
      if (spanEndChannel.hasSubscribers) spanEndChannel.publish(message)
      this.onEnd?.(message)
    }
  }

  /** Path of the span the caller runs in, or undefined outside any span. */
  currentPath(): string | undefined {
    return this.storage.getStore()?.node.path
  }

  /** Flat copy of self times by path, to diff before and after a profile. */
  selfTimes(): Map<string, number> {
    const out = new Map<string, number>()
    const walk = (node: StageNode) => {
      for (const child of node.children.values()) {
        out.set(child.path, child.selfMs)
        walk(child)
      }
    }
    walk(this.root)
    return out
  }

  snapshot(): StageSnapshot[] {
    // With recording off, nodes exist only to name channel events: nothing was measured.
    if (!this.recording) return []
    const toSnapshot = (node: StageNode): StageSnapshot => ({
      name: node.name,
      path: node.path,
      count: node.count,
      errors: node.errors,
      totalMs: node.totalMs,
      selfMs: node.selfMs,
      p50: node.histogram.quantile(0.5),
      p90: node.histogram.quantile(0.9),
      p99: node.histogram.quantile(0.99),
      maxMs: node.histogram.count ? node.histogram.max : 0,
      children: [...node.children.values()].map(toSnapshot),
    })
    return [...this.root.children.values()].map(toSnapshot)
  }
}
