// Cost of p.span around a tiny function: not listened (spans off, no subscriber), recorded
// into the stage tree, and recorded with a diagnostics_channel subscriber.
import diagnosticsChannel from 'node:diagnostics_channel'
import { benchCompare, type CompareResult } from '../src/bench-entry'
import { createProfiler, type Profiler, type StageSnapshot } from '../src/index'
import { isMain, overheadMarkdown } from './table'

let acc = 0
const work = () => {
  acc = (acc + 1) | 0
  return acc
}

export async function main(): Promise<Array<[string, CompareResult]>> {
  const rows: Array<[string, CompareResult]> = []
  const off = createProfiler({ spans: false })
  rows.push([
    'span, nobody listening',
    await benchCompare({
      'direct call': work,
      'p.span (spans: false)': () => off.span('x', work),
    }),
  ])
  const on = createProfiler()
  rows.push([
    'span, recorded',
    await benchCompare({ 'direct call': work, 'p.span (stage tree)': () => on.span('x', work) }),
  ])
  const nested = createProfiler()
  rows.push([
    'nested span, recorded',
    await benchCompare({
      'direct call': work,
      'p.span in p.span': () => nested.span('outer', () => nested.span('inner', work)),
    }),
  ])
  const listener = () => {}
  diagnosticsChannel.subscribe('mx:profiler:span:end', listener)
  rows.push([
    'span, recorded + channel subscriber',
    await benchCompare({ 'direct call': work, 'p.span + subscriber': () => on.span('x', work) }),
  ])
  diagnosticsChannel.unsubscribe('mx:profiler:span:end', listener)
  const asyncWork = async () => work()
  rows.push([
    'async span, recorded',
    await benchCompare({
      'await direct': asyncWork,
      'await p.span': () => on.span('y', asyncWork),
    }),
  ])
  check(on, ['x', 'y'])
  check(nested, ['outer', 'outer/inner'])
  if (off.snapshot().stages.length > 0) throw new Error('spans: false recorded stages')
  return rows
}

/** The recorded spans are in the stage tree, each called many times. */
function check(p: Profiler, paths: string[]) {
  const seen = new Map<string, number>()
  const walk = (stages: StageSnapshot[]) => {
    for (const stage of stages) {
      seen.set(stage.path, stage.count)
      walk(stage.children)
    }
  }
  walk(p.snapshot().stages)
  for (const path of paths)
    if (!((seen.get(path) ?? 0) > 1000)) throw new Error(`stage ${path} was not recorded`)
}

if (isMain(import.meta.url)) console.log(overheadMarkdown(await main()))
