import { resolveMonitorOptions } from './monitor-options'
import { MonitorState } from './monitor-state'
import type { MemoryMonitor, MemoryMonitorOptions } from './monitor-types'

/**
 * Watches memory against a budget and turns it into three levels (normal, moderate, critical)
 * with hysteresis, so a process hovering at a threshold does not flap. Handlers registered with
 * `onPressure()` run in priority order when pressure rises to their level, and the function a
 * handler returns runs when pressure falls back below it.
 *
 * Usage is the largest of rss / budget, heap used / V8 heap limit and accounted bytes / budget:
 * a heap close to its limit is a crash in waiting even when rss looks small.
 */
export function createMemoryMonitor(options: MemoryMonitorOptions = {}): MemoryMonitor {
  // Sampling, levels and the timer are in `MonitorState` (monitor-state.ts), the handlers in
  // `PressureHandlers` (pressure-handlers.ts), the option checks in monitor-options.ts.
  const state = new MonitorState(resolveMonitorOptions(options))
  const monitor: MemoryMonitor = {
    level: () => state.level(),
    sample: () => state.sample(),
    onPressure(level, handler, handlerOptions = {}) {
      return state.handlers.add(level, handler, handlerOptions)
    },
    account(consumer, bytes) {
      state.account(consumer, bytes)
    },
    stats: () => state.stats(),
    idle: () => state.queue,
    start() {
      if (state.running) return
      // Read at each start: `stop()` ends GC observation, and a later `start()` begins it anew.
      state.start(options.gcStats !== false)
    },
    stop() {
      state.stop()
    },
    on: (event, listener) => state.events.on(event, listener),
  }
  if (options.autoStart !== false) monitor.start()
  return monitor
}
