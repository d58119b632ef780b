#!/usr/bin/env node
// A stand-in for "a TF.js model you already have": trains LeNet-5 on embedded Fashion-MNIST
// images (no download) and saves it as TF.js saves a layers model (model.json + weights.bin).
//
//   node examples/train-lenet5.js OUT_DIR [--train-size N] [--epochs E]
//
// Run from the repository after `npm ci && npm run build`. The data options here are the
// ones to give `prunebench prune --dataset` when fine-tuning, so it sees the same images.
require('reflect-metadata');
const { batchesPerEpoch } = require('@prunebench/core');
const { validateOptions } = require('@prunebench/core/config');
const { evaluate, fileSystemIO, selectBackend, train } = require('@prunebench/harness');
const { FashionMnistDataset } = require('@prunebench/datasets');
const { buildLeNet5 } = require('@prunebench/models');

function parseArgs(argv) {
  const args = { out: undefined, trainSize: 2000, epochs: 2 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--train-size') args.trainSize = Number(argv[++i]);
    else if (argv[i] === '--epochs') args.epochs = Number(argv[++i]);
    else args.out = argv[i];
  }
  if (!args.out || !(args.trainSize > 0) || !(args.epochs > 0)) {
    console.error('usage: node examples/train-lenet5.js OUT_DIR [--train-size N] [--epochs E]');
    process.exit(2);
  }
  return args;
}

async function main() {
  const { out, trainSize, epochs } = parseArgs(process.argv.slice(2));
  const backend = await selectBackend('auto');
  const options = validateOptions(FashionMnistDataset.optionsSchema, { trainSize, testSize: 1000 }, '', 'dataset "fashion-mnist"');
  const dataset = new FashionMnistDataset(options);
  const info = await dataset.load();
  const model = buildLeNet5({ inputShape: info.inputShape, numClasses: info.numClasses, seed: 0 });
  const batchSize = 64;
  const stepsPerEpoch = batchesPerEpoch(info.sizes.train, batchSize, true);
  const hyperparameters = Array.from({ length: epochs * stepsPerEpoch }, () => ({ lr: 0.05, momentum: 0.9 }));
  const result = await train(model, { data: { dataset }, batchSize, hyperparameters, stepsPerEpoch, weightDecay: 1e-4 });
  const test = await evaluate(model, dataset, 'test', 256);
  await model.save(fileSystemIO(out));
  console.log(
    `trained LeNet-5 on ${info.sizes.train} Fashion-MNIST images for ${epochs} epochs (${result.steps} steps, ${backend.name}): ` +
      `test top-1 ${(100 * test.top1).toFixed(1)}%; saved ${out}/model.json`,
  );
  model.dispose();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
