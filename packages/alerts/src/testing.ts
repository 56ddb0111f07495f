/**
 * `@mx/alerts/testing`: what tests of alert rules use, kept out of the main entry. A manual
 * clock that tests advance by hand, and `testRules`, which runs rules over synthetic series the
 * way `promtool test rules` does (`expandSeries` writes such a series).
 */
export type { ManualClock } from './kernel'
export { manualClock } from './kernel'
export type {
  AlertExpectation,
  RuleTestFailure,
  RuleTestResult,
  RuleTestSeries,
} from './test-rules'
export { expandSeries, testRules } from './test-rules'
