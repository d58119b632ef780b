// tsyringe needs the Reflect metadata API before any decorated class is defined.
require('reflect-metadata');
