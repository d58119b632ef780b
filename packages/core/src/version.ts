// Read at run time (not imported) so the compiled layout needs no JSON in dist/.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const CORE_VERSION: string = require('../package.json').version;
