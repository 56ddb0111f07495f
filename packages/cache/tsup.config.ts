import { packageConfig } from '../../tsup.base'

export default packageConfig({
  index: 'src/index.ts',
  'test-suite': 'src/test-suite.ts',
  keyv: 'src/keyv.ts',
  unstorage: 'src/unstorage.ts',
  http: 'src/http/index.ts',
})
