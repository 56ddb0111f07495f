// The worker-thread side: @mx/workers loads this module in each thread and runs element()
// on the elements the cache did not already have.
import { defineTask } from '@mx/workers'
import { element } from './extractor.mjs'

export default defineTask((el) => element(el))
