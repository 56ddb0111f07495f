import { describeValue } from './kernel'
import type { Labels, Matcher } from './types'

const OPS = new Set(['=', '!=', '=~', '!~'])

/** A matcher ready to test label sets; regexes are fully anchored as in Alertmanager. */
export type CompiledMatcher = (labels: Labels) => boolean

/** Turns `{ a: 'x' }` shorthand or a matcher list into a normalised matcher list. */
export function toMatchers(input: Labels | Matcher[]): Matcher[] {
  if (Array.isArray(input)) {
    // A non-object entry is kept as is for compileMatchers to refuse with its index.
    return input.map((m: Matcher) =>
      typeof m === 'object' && m !== null ? { name: m.name, value: m.value, op: m.op ?? '=' } : m,
    )
  }
  return Object.entries(input).map(([name, value]) => ({ name, value, op: '=' as const }))
}

/**
 * Validates and compiles matchers; returns a reason string instead of throwing so each caller
 * can raise its own typed error. A missing label matches as the empty string (Alertmanager rule).
 */
export function compileMatchers(matchers: Matcher[]): CompiledMatcher | string {
  const tests: CompiledMatcher[] = []
  for (const [index, matcher] of matchers.entries()) {
    if (typeof matcher !== 'object' || matcher === null) {
      return `matchers[${index}] must be an object with name and value, got ${describeValue(matcher)}`
    }
    const op = matcher.op ?? '='
    if (typeof matcher.name !== 'string' || matcher.name === '')
      return `matchers[${index}].name must be a non-empty string`
    if (typeof matcher.value !== 'string') return `matchers[${index}].value must be a string`
    if (!OPS.has(op)) {
      return `matchers[${index}].op must be one of =, !=, =~, !~, got ${describeValue(op)}`
    }
    const { name, value } = matcher
    if (op === '=') tests.push((labels) => (labels[name] ?? '') === value)
    else if (op === '!=') tests.push((labels) => (labels[name] ?? '') !== value)
    else {
      let regex: RegExp
      try {
        regex = new RegExp(`^(?:${value})$`)
      } catch (error) {
        return `matchers[${index}].value is not a valid regular expression: ${(error as Error).message}`
      }
      const negate = op === '!~'
      tests.push((labels) => regex.test(labels[name] ?? '') !== negate)
    }
  }
  return (labels) => tests.every((test) => test(labels))
}
