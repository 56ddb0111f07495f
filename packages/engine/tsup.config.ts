import { packageConfig } from '../../tsup.base'

// `extractor-entry` is `@mx/engine/extractor`, the light entry for extractor modules; `worker` is
// the task module the engine-built pool loads (dist/worker.js), not a public subpath.
export default packageConfig({
  index: 'src/index.ts',
  'extractor-entry': 'src/extractor-entry.ts',
  worker: 'src/worker.ts',
})
