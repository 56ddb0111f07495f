import { channel } from 'node:diagnostics_channel'

/** Memory-pressure level changes (`PressureChange`), for any tool listening. */
export const pressureChannel = channel('mx:memory:pressure')
/** Borrowed resources garbage-collected without release (`Lease`). */
export const leakChannel = channel('mx:memory:pool:leak')
/** `acquire()` calls that timed out (`{ timeout, waiting }`). */
export const acquireTimeoutChannel = channel('mx:memory:pool:acquire-timeout')
