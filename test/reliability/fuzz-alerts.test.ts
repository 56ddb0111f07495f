import {
  compileTemplate,
  createAlertManager,
  MxError,
  parseDuration,
  type Rule,
  validateRules,
} from '@mx/alerts'
import { manualClock } from '@mx/alerts/testing'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  fuzzRuns,
  hostileNumber,
  hostileOptions,
  hostileString,
  hostileValue,
  onlyTypedErrors,
} from './helpers/hostile'

const durationText = fc.oneof(
  hostileString,
  fc.stringMatching(/^(\d{1,20}(ms|s|m|h|d|w|y)?){1,4}$/),
  hostileNumber,
)
const templateText = fc.oneof(
  hostileString,
  fc
    .array(
      fc.constantFrom(
        '{{',
        '}}',
        ' $value ',
        '$labels.',
        'team',
        ' | ',
        'printf "%.2f"',
        'humanize',
        '"',
        "'",
        '(',
        '%s',
        'toUpper',
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join('')),
)
const labels = fc.dictionary(hostileString, hostileString, { maxKeys: 3, noNullPrototype: true })
const op = fc.oneof(fc.constantFrom('>', '>=', '<', '<=', '==', '!='), hostileString)

/** A rule with every field present but hostile; `expr` may throw or return junk. */
const rule = fc.record(
  {
    name: hostileString,
    metric: hostileString,
    op,
    threshold: hostileNumber,
    resolveThreshold: hostileNumber,
    for: durationText,
    keepFiringFor: durationText,
    severity: hostileString,
    labels,
    annotations: fc.dictionary(hostileString, templateText, { maxKeys: 2, noNullPrototype: true }),
    noData: hostileValue,
    onError: hostileValue,
    flap: hostileValue,
  },
  { requiredKeys: ['name', 'op', 'threshold'] },
)

describe('@mx/alerts under hostile input', () => {
  it('parseDuration returns a finite non-negative number or a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(durationText, hostileValue), async (input) => {
        const outcome = await onlyTypedErrors(MxError, () => parseDuration(input as never))
        if (outcome.ok) expect(Number.isFinite(outcome.value) && outcome.value >= 0).toBe(true)
      }),
      fuzzRuns(1000),
    )
  })

  it('templates compile or fail typed, and a compiled template renders any data without throwing', async () => {
    await fc.assert(
      fc.asyncProperty(
        templateText,
        fc.oneof(hostileNumber, fc.constant(undefined)),
        labels,
        async (source, value, labelSet) => {
          const outcome = await onlyTypedErrors(MxError, () => compileTemplate(source))
          if (outcome.ok) expect(typeof outcome.value({ value, labels: labelSet })).toBe('string')
        },
      ),
      fuzzRuns(1000),
    )
  })

  it('rule definitions are accepted or refused with a typed error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(rule, hostileValue), { maxLength: 4 }), async (rules) => {
        await onlyTypedErrors(MxError, () => validateRules(rules as Rule[]))
      }),
      fuzzRuns(500),
    )
  })

  it('a manager over hostile snapshots and throwing expressions evaluates without crashing', async () => {
    const expressions = [
      () => {
        throw new Error('boom')
      },
      () => Number.NaN,
      () => 'seven' as unknown as number,
      () => undefined,
      () => Number.POSITIVE_INFINITY,
      () => {
        throw 'a string, not an Error'
      },
    ]
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(hostileString, fc.oneof(hostileNumber, hostileValue), {
          maxKeys: 5,
          noNullPrototype: true,
        }),
        fc.integer({ min: 0, max: expressions.length - 1 }),
        hostileString,
        async (metrics, exprIndex, metric) => {
          fc.pre(metric.length > 0)
          const clock = manualClock(1_000)
          const manager = createAlertManager({
            clock,
            source: { snapshot: () => ({ metrics }) as never },
            rules: [
              { name: 'by_metric', metric, op: '>', threshold: 1 },
              { name: 'by_expr', expr: expressions[exprIndex], op: '<', threshold: 0 },
            ],
          })
          const outcome = await onlyTypedErrors(MxError, () => manager.evaluate())
          expect(outcome.ok).toBe(true)
          expect(manager.alerts()).toHaveLength(2)
          await manager.stop()
        },
      ),
      fuzzRuns(300),
    )
  })

  it('silences with hostile matchers and times are created or refused with a typed error', async () => {
    const manager = createAlertManager({
      clock: manualClock(1_000),
      source: { snapshot: () => ({ metrics: { x: 1 } }) },
      rules: [{ name: 'x_high', metric: 'x', op: '>', threshold: 0 }],
    })
    const matcher = fc.record({
      name: hostileString,
      value: fc.oneof(hostileString, fc.constantFrom('(a+)+$', '[', '(?<x>', '.*', '\\')),
      op: fc.oneof(fc.constantFrom('=', '!=', '=~', '!~'), hostileString),
    })
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.array(matcher, { maxLength: 3 }), labels, hostileValue),
        fc.oneof(hostileNumber, fc.date({ noInvalidDate: false }), hostileValue),
        fc.oneof(hostileNumber, fc.constant(undefined)),
        hostileOptions(['comment', 'createdBy']),
        async (matchers, endsAt, startsAt, extra) => {
          await onlyTypedErrors(MxError, () =>
            manager.silence({ ...extra, matchers, endsAt, startsAt } as never),
          )
          // Whatever was silenced, evaluating must still work and the silence list stay readable.
          await manager.evaluate()
          expect(Array.isArray(manager.silences())).toBe(true)
        },
      ),
      fuzzRuns(300),
    )
    await manager.stop()
  })
})
