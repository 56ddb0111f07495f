import { isThenable } from './thenable'

type Release<T> = (resource: T) => void

/** Releases, turning a misuse (the caller already released) into a returned error. */
function releaseSafely<T>(release: Release<T>, resource: T): unknown {
  try {
    release(resource)
    return undefined
  } catch (error) {
    return error
  }
}

/**
 * Runs `fn` with a borrowed resource, releases it however `fn` ends (after settling, when it is
 * async) and settles the caller through `resolve` / `reject`. Used for callers that waited: the
 * waiter's callback runs `fn` directly, with no promise in between.
 */
export function runInto<T, R>(
  resource: T,
  fn: (resource: T) => R | Promise<R>,
  release: Release<T>,
  resolve: (value: R) => void,
  reject: (error: unknown) => void,
): void {
  let result: R | Promise<R>
  try {
    result = fn(resource)
  } catch (error) {
    releaseSafely(release, resource)
    reject(error)
    return
  }
  if (result instanceof Promise || isThenable(result)) {
    ;(result as PromiseLike<R>).then(
      (value) => {
        const error = releaseSafely(release, resource)
        if (error === undefined) resolve(value)
        else reject(error)
      },
      (error: unknown) => {
        releaseSafely(release, resource)
        reject(error)
      },
    )
    return
  }
  const error = releaseSafely(release, resource)
  if (error === undefined) resolve(result)
  else reject(error)
}

/** `runInto` for a resource lent on the spot: chains on `fn`'s own promise, no extra one. */
export function runNow<T, R>(
  resource: T,
  fn: (resource: T) => R | Promise<R>,
  release: Release<T>,
): Promise<R> {
  let result: R | Promise<R>
  try {
    result = fn(resource)
  } catch (error) {
    releaseSafely(release, resource)
    return Promise.reject(error)
  }
  if (result instanceof Promise || isThenable(result)) {
    return Promise.resolve(result).then(
      (value: R) => {
        release(resource)
        return value
      },
      (error: unknown) => {
        releaseSafely(release, resource)
        throw error
      },
    )
  }
  const error = releaseSafely(release, resource)
  return error === undefined ? Promise.resolve(result) : Promise.reject(error)
}
