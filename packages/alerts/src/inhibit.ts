import { InvalidOptionError } from './errors'
import { checkKnownKeys } from './kernel'
import { type CompiledMatcher, compileMatchers, toMatchers } from './matchers'
import type { InhibitRule, Labels } from './types'

// The keys of an inhibit rule: `satisfies` makes the compiler keep the list complete.
const INHIBIT_RULE = Object.keys({ source: true, target: true, equal: true } satisfies Record<
  keyof InhibitRule,
  true
>)

interface CompiledInhibit {
  source: CompiledMatcher
  target: CompiledMatcher
  equal: string[]
}

/**
 * Inhibition as in Alertmanager: an alert matching `target` is muted while some other
 * firing alert matches `source` and carries the same values for every `equal` label.
 */
export class Inhibitor {
  private readonly rules: CompiledInhibit[]

  constructor(rules: InhibitRule[]) {
    if (!Array.isArray(rules)) throw new InvalidOptionError('inhibit', 'inhibit must be an array')
    this.rules = rules.map((rule, index) => {
      if (typeof rule === 'object' && rule !== null) {
        checkKnownKeys(rule, INHIBIT_RULE, 'createAlertManager()', `inhibit[${index}]`)
      }
      const compile = (side: 'source' | 'target') => {
        const field = `inhibit[${index}].${side}`
        if (rule?.[side] === null || typeof rule?.[side] !== 'object') {
          throw new InvalidOptionError(field, `${field} must be labels or a matcher list`)
        }
        const matcher = compileMatchers(toMatchers(rule[side]))
        if (typeof matcher === 'string') throw new InvalidOptionError(field, `${field} ${matcher}`)
        return matcher
      }
      return { source: compile('source'), target: compile('target'), equal: rule.equal ?? [] }
    })
  }

  get empty(): boolean {
    return this.rules.length === 0
  }

  inhibited(labels: Labels, firing: Labels[]): boolean {
    for (const rule of this.rules) {
      if (!rule.target(labels)) continue
      for (const other of firing) {
        if (other === labels || (other.alertname === labels.alertname && sameLabels(other, labels)))
          continue
        if (!rule.source(other)) continue
        if (rule.equal.every((name) => (other[name] ?? '') === (labels[name] ?? ''))) return true
      }
    }
    return false
  }
}

function sameLabels(a: Labels, b: Labels): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k])
}
