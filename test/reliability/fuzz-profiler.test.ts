import { createProfiler, InvalidOptionError, MxError, type Profiler } from '@mx/profiler'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import {
  fuzzRuns,
  hostileNumber,
  hostileOptions,
  hostileString,
  hostileValue,
  onlyTypedErrors,
} from './helpers/hostile'

const labelValue = fc.oneof(hostileString, hostileNumber, fc.boolean())
const labels = fc.dictionary(hostileString, labelValue, { maxKeys: 4, noNullPrototype: true })
// A sample line of the Prometheus text format: name, optional {labels}, value (and timestamp).
const SAMPLE =
  /^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*",?)*\})? \S+( \S+)?$/

describe('@mx/profiler under hostile input', () => {
  const profiler: Profiler = createProfiler()
  afterAll(() => profiler.close())

  it('createProfiler throws only MX_INVALID_OPTION on any options', async () => {
    const names = ['collectRuntime', 'spans', 'intervalMs', 'timelineSize', 'prefix', 'now']
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(hostileValue, hostileOptions([...names, 'traceChannels'])),
        async (options) => {
          const outcome = await onlyTypedErrors(MxError, () => createProfiler(options as never))
          if (outcome.ok) outcome.value.close()
          else expect(outcome.error).toBeInstanceOf(InvalidOptionError)
        },
      ),
      fuzzRuns(300),
    )
  })

  it('metric names, labels and values are recorded or refused with a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('counter', 'gauge', 'histogram', 'record'),
        hostileString,
        labels,
        hostileNumber,
        async (kind, name, labelSet, value) => {
          await onlyTypedErrors(MxError, () => {
            if (kind === 'record') return profiler.record(name, value, labelSet)
            if (kind === 'counter') return profiler.counter(name, { labels: labelSet }).inc(value)
            if (kind === 'gauge') return profiler.gauge(name, { labels: labelSet }).set(value)
            return profiler.histogram(name, { labels: labelSet }).record(value)
          })
        },
      ),
      fuzzRuns(1000),
    )
  })

  it('the Prometheus exposition stays well-formed whatever was recorded (no line injection)', () => {
    const text = profiler.toPrometheus()
    for (const line of text.split('\n')) {
      if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) continue
      expect(line).toMatch(SAMPLE)
    }
    // Every HELP/TYPE comment is one line: a name with a newline cannot start a fake sample.
    expect(() => JSON.stringify(profiler.snapshot())).not.toThrow()
  })

  it('spans with hostile names nest and end, even when the body throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostileString, { minLength: 1, maxLength: 5 }), async (names) => {
        const run = (depth: number): unknown =>
          depth === names.length
            ? 'done'
            : profiler.span(names[depth] as string, () => run(depth + 1))
        await onlyTypedErrors(MxError, () => run(0))
        expect(profiler.currentSpan()).toBeUndefined()
      }),
      fuzzRuns(200),
    )
  })
})
