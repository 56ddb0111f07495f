import { expect } from 'vitest'

/** An error as tests inspect it: an `Error` with whatever fields (`code`, `option`, ...) it has. */
export type Caught = Error & Record<string, unknown>

/** The error `fn` throws; fails the test when it returns instead. */
export function thrown(fn: () => unknown): Caught {
  try {
    fn()
  } catch (error) {
    return error as Caught
  }
  throw new Error('expected a throw')
}

/** The error `fn`'s promise rejects with; fails the test when it resolves instead. */
export async function rejected(fn: () => Promise<unknown>): Promise<Caught> {
  try {
    await fn()
  } catch (error) {
    return error as Caught
  }
  throw new Error('expected a rejection')
}

/**
 * Checks an invalid-option error: an instance of the package's own `InvalidOptionError` class
 * (each package has one), with code `MX_INVALID_OPTION`, the option's name and the message.
 */
export function expectInvalidOption(
  error: unknown,
  errorClass: abstract new (...args: never[]) => Error,
  option: string,
  message: string,
): void {
  expect(error).toBeInstanceOf(errorClass)
  expect(error).toMatchObject({ code: 'MX_INVALID_OPTION', option, message })
}
