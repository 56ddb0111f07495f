import { defaultRules, type Rule } from '@mx/alerts'

/**
 * The engine's own alert rule next to `defaultRules()`: `CircuitBreakerOpen` fires while any
 * extractor's circuit breaker is open or half-open (`breaker.open` > 0, kept by the engine). An
 * engine without breakers has no such metric, which this rule reads as "none open".
 */
export function breakerOpenRule(): Rule {
  return {
    name: 'CircuitBreakerOpen',
    metric: 'breaker.open',
    op: '>',
    threshold: 0,
    for: 0,
    severity: 'critical',
    noData: 'ok',
    annotations: {
      summary: '{{ $value }} extractor circuit breaker(s) open',
      description:
        'An extractor failed too often: its documents fail fast or go to the fallback extractor.',
    },
  }
}

/** The engine-built alert manager's rules: `defaultRules()`, plus `CircuitBreakerOpen` with `breaker`. */
export function engineRules(options: { breaker?: unknown }): Rule[] {
  const rules = defaultRules()
  if (options.breaker !== undefined && options.breaker !== false) rules.push(breakerOpenRule())
  return rules
}
