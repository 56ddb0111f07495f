// Cost of p.span around a tiny function: not listened (spans off, no subscriber), recorded
// into the stage tree, and recorded with a diagnostics_channel subscriber.
import diagnosticsChannel from 'node:diagnostics_channel'
import { benchCompare } from '../src/bench-entry'
import { createProfiler } from '../src/index'
import { isMain, overheadMarkdown, type Row, row } from './table'

let acc = 0
const work = () => {
  acc = (acc + 1) | 0
  return acc
}

export async function main(): Promise<Row[]> {
  const rows: Row[] = []
  const off = createProfiler({ spans: false })
  rows.push(
    row(
      'span, nobody listening',
      await benchCompare({
        'direct call': work,
        'p.span (spans: false)': () => off.span('x', work),
      }),
    ),
  )
  const on = createProfiler()
  rows.push(
    row(
      'span, recorded',
      await benchCompare({ 'direct call': work, 'p.span (stage tree)': () => on.span('x', work) }),
    ),
  )
  const nested = createProfiler()
  rows.push(
    row(
      'nested span, recorded',
      await benchCompare({
        'direct call': work,
        'p.span in p.span': () => nested.span('outer', () => nested.span('inner', work)),
      }),
    ),
  )
  const listener = () => {}
  diagnosticsChannel.subscribe('mx:profiler:span:end', listener)
  rows.push(
    row(
      'span, recorded + channel subscriber',
      await benchCompare({ 'direct call': work, 'p.span + subscriber': () => on.span('x', work) }),
    ),
  )
  diagnosticsChannel.unsubscribe('mx:profiler:span:end', listener)
  const asyncWork = async () => work()
  rows.push(
    row(
      'async span, recorded',
      await benchCompare({
        'await direct': asyncWork,
        'await p.span': () => on.span('y', asyncWork),
      }),
    ),
  )
  return rows
}

if (isMain(import.meta.url)) console.log(overheadMarkdown(await main()))
