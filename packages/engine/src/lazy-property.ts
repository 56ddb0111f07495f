/**
 * Makes `object[key]` compute its value with `decode` on first read, then hold it as an ordinary
 * property (writable, enumerable: spreading, `JSON.stringify` and `structuredClone` see it as
 * before). A write before any read replaces it without decoding, after `onSet` runs.
 */
export function lazyProperty<T extends object>(
  object: T,
  key: string,
  decode: () => unknown,
  onSet?: () => void,
): T {
  const settle = (value: unknown) => {
    Object.defineProperty(object, key, {
      value,
      writable: true,
      enumerable: true,
      configurable: true,
    })
    return value
  }
  Object.defineProperty(object, key, {
    enumerable: true,
    configurable: true,
    get: () => settle(decode()),
    set: (value: unknown) => {
      onSet?.()
      settle(value)
    },
  })
  return object
}
