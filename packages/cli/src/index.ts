export { main, buildProgram } from './main';
export { builtinPlugins } from './builtins';
export type { Io } from './io';
