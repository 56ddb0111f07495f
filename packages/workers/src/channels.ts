import { channel } from 'node:diagnostics_channel'

/** `{ workerId, items, ms, ok }` for every batch a thread finished (or failed). */
export const batchChannel = channel('mx:workers:batch')
/** `{ workerId, reason }` for every thread restart (crash, oom, timeout, recycle, abort). */
export const restartChannel = channel('mx:workers:restart')
