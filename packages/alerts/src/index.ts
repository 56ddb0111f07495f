export type { ErrorContext, MxErrorOptions } from './errors'
export { InvalidOptionError, MxError } from './errors'
