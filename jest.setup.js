// tsyringe needs the Reflect metadata API before any decorated class is defined.
require('reflect-metadata');
// tfjs's cpu backend prints a "Hi, looks like you are running TensorFlow.js in Node.js" banner
// (a console.warn with a stack trace under jest) on first use in every test file. selectBackend
// silences it the same way for the CLI (silenceCpuBackendBanner in packages/core/src/backend/select.ts).
require('@tensorflow/tfjs-backend-cpu');
const cpuBackend = require('@tensorflow/tfjs-core').findBackend('cpu');
if (cpuBackend) cpuBackend.firstUse = false;
