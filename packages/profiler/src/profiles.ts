import { writeFile } from 'node:fs/promises'
import type { Session } from 'node:inspector'
import { performance } from 'node:perf_hooks'
import { ProfileInProgressError } from './errors'
import type { AllocationSite, Hotspot } from './types'

interface CallFrame {
  functionName: string
  url: string
  lineNumber: number
  columnNumber: number
}

interface CpuNode {
  id: number
  callFrame: CallFrame
}

/** The `Profiler.Profile` object of the DevTools protocol, as `.cpuprofile` files hold it. */
export interface CpuProfile {
  nodes: CpuNode[]
  startTime: number
  endTime: number
  samples?: number[]
  timeDeltas?: number[]
}

interface HeapNode {
  callFrame: CallFrame
  selfSize: number
  children: HeapNode[]
}

export interface HeapProfile {
  head: HeapNode
}

let busy = false

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    session.post(method, params ?? {}, (error, result) =>
      error ? reject(error) : resolve(result as T),
    )
  })
}

function location(frame: CallFrame): { line: number; column: number; location: string } {
  const line = frame.lineNumber + 1
  const column = frame.columnNumber + 1
  return {
    line,
    column,
    location: frame.url ? `${frame.url}:${line}:${column}` : frame.functionName,
  }
}

/** Runs `fn` with the profiler `domain` started; one profile at a time per process. */
async function withSession<T, P>(
  kind: 'cpu' | 'heap',
  start: (session: Session) => Promise<void>,
  stop: (session: Session) => Promise<P>,
  fn: () => Promise<T> | T,
): Promise<{ result: T; profile: P; durationMs: number }> {
  if (busy) throw new ProfileInProgressError(kind)
  busy = true
  // Loaded with the first profile: a process that never profiles does not load the inspector.
  let session: Session
  try {
    session = new (await import('node:inspector')).Session()
  } catch (error) {
    busy = false
    throw error
  }
  session.connect()
  try {
    await start(session)
    const began = performance.now()
    let outcome: { ok: true; value: T } | { ok: false; error: unknown }
    try {
      outcome = { ok: true, value: await fn() }
    } catch (error) {
      outcome = { ok: false, error }
    }
    // The profiler is stopped even when fn throws, so the next profile can start.
    const profile = await stop(session)
    const durationMs = performance.now() - began
    if (!outcome.ok) throw outcome.error
    const result = outcome.value
    return { result, profile, durationMs }
  } finally {
    session.disconnect()
    busy = false
  }
}

/** Runs `fn` under the V8 CPU profiler and returns the raw profile. */
export function runCpuProfile<T>(fn: () => Promise<T> | T, intervalUs: number) {
  return withSession<T, CpuProfile>(
    'cpu',
    async (session) => {
      await post(session, 'Profiler.enable')
      await post(session, 'Profiler.setSamplingInterval', { interval: intervalUs })
      await post(session, 'Profiler.start')
    },
    async (session) => {
      const { profile } = await post<{ profile: CpuProfile }>(session, 'Profiler.stop')
      await post(session, 'Profiler.disable')
      return profile
    },
    fn,
  )
}

/** Runs `fn` under V8's sampling heap profiler and returns the raw profile. */
export function runHeapProfile<T>(fn: () => Promise<T> | T, samplingInterval: number) {
  return withSession<T, HeapProfile>(
    'heap',
    async (session) => {
      await post(session, 'HeapProfiler.enable')
      await post(session, 'HeapProfiler.startSampling', { samplingInterval })
    },
    async (session) => {
      const { profile } = await post<{ profile: HeapProfile }>(session, 'HeapProfiler.stopSampling')
      await post(session, 'HeapProfiler.disable')
      return profile
    },
    fn,
  )
}

const IGNORED = new Set(['(idle)', '(root)', '(program)'])

/** Top functions by self time. Sample `i` owns the time until the next sample. */
export function cpuHotspots(profile: CpuProfile, top: number): Hotspot[] {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const samples = profile.samples ?? []
  const deltas = profile.timeDeltas ?? []
  const selfUs = new Map<string, { frame: CallFrame; us: number }>()
  let totalUs = 0
  for (let i = 0; i < samples.length; i++) {
    const node = byId.get(samples[i] as number)
    const us = (deltas[i + 1] ?? 0) > 0 ? (deltas[i + 1] as number) : 0
    if (!node) continue
    totalUs += us
    const frame = node.callFrame
    if (IGNORED.has(frame.functionName)) continue
    const key = `${frame.functionName}|${frame.url}|${frame.lineNumber}|${frame.columnNumber}`
    const entry = selfUs.get(key) ?? { frame, us: 0 }
    entry.us += us
    selfUs.set(key, entry)
  }
  return [...selfUs.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map(({ frame, us }) => ({
      functionName: frame.functionName || '(anonymous)',
      url: frame.url,
      ...location(frame),
      selfMs: us / 1000,
      selfPercent: totalUs ? (100 * us) / totalUs : 0,
    }))
}

/** Top allocation sites by sampled bytes still live at the end of the profile. */
export function heapTopAllocations(profile: HeapProfile, top: number) {
  const sites = new Map<string, { frame: CallFrame; bytes: number }>()
  let totalBytes = 0
  const stack: HeapNode[] = [profile.head]
  while (stack.length) {
    const node = stack.pop() as HeapNode
    stack.push(...node.children)
    if (node.selfSize === 0) continue
    totalBytes += node.selfSize
    const frame = node.callFrame
    const key = `${frame.functionName}|${frame.url}|${frame.lineNumber}|${frame.columnNumber}`
    const entry = sites.get(key) ?? { frame, bytes: 0 }
    entry.bytes += node.selfSize
    sites.set(key, entry)
  }
  const topAllocations: AllocationSite[] = [...sites.values()]
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top)
    .map(({ frame, bytes }) => ({
      functionName: frame.functionName || '(anonymous)',
      url: frame.url,
      ...location(frame),
      bytes,
      percent: totalBytes ? (100 * bytes) / totalBytes : 0,
    }))
  return { topAllocations, totalBytes }
}

/** Writes a profile as JSON (the format DevTools and speedscope open). */
export async function writeProfile(path: string, profile: unknown): Promise<string> {
  await writeFile(path, JSON.stringify(profile))
  return path
}
