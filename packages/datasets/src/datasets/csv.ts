import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { inject, injectable } from 'tsyringe';
import type { Batch, BatchOptions, Dataset, DatasetInfo, SplitName } from '@prunebench/core';
import { DatasetError, OPTIONS, Rng } from '@prunebench/core';
import { checkBatchOptions, shouldShuffle } from '../data/batch-options';
import type { SplitOptions } from '../data/common-options';
import { splitOptionsSchema } from '../data/common-options';
import { makeSplits, stratifiedPick, type SplitIndices } from '../data/splits';
import { parseCsv } from '../readers/csv';

export interface CsvOptions extends SplitOptions {
  /** The CSV file: one example a row, feature columns and a label column. */
  path: string;
  /** A CSV of the test split, same columns (relative to `path`'s folder); without it, `testFraction` of `path`'s rows are held out. */
  testPath?: string;
  /** Fraction of the rows held out as the test split when there is no `testPath` (stratified, seeded; default 0.2). */
  testFraction: number;
  /** The label column: its header name or 0-based index (default: the last column). */
  label?: string | number;
  /** Whether the first row names the columns (default: detected, a first row with a non-numeric feature is a header). */
  header?: boolean;
  /** The shape the features are read into, channels last, e.g. [28, 28, 1] (default: [number of features]). */
  inputShape?: number[];
  /** `none`: the numbers as written (default); `standardize`: (x − mean) / std per feature, from the train split. */
  normalize: 'none' | 'standardize';
  delimiter: string;
}

interface Table {
  features: Float32Array;
  /** Label names as written, one a row. */
  labels: string[];
  rows: number;
}

interface Prepared {
  train: { features: Float32Array; labels: Int32Array };
  test: { features: Float32Array; labels: Int32Array };
  splits: SplitIndices;
  shift: Float32Array;
  scale: Float32Array;
  info: DatasetInfo;
}

const isNumber = (text: string) => text.trim() !== '' && Number.isFinite(Number(text));

/**
 * Your own tabular data as a dataset: a CSV of numeric features and a label column (class
 * indices 0…K−1, or class names, sorted). The test split is a second CSV (`testPath`) or a
 * seeded, stratified `testFraction` of the rows; validation is held out of the rest
 * (`validationSize`). Features can be read into an image shape (`inputShape`).
 */
@injectable()
export class CsvDataset implements Dataset {
  static readonly id = 'csv';
  static readonly description = 'your own data: a CSV of numeric features and a label column (class index or name)';
  static readonly optionsSchema = {
    type: 'object',
    properties: {
      path: { type: 'string', minLength: 1, description: 'the CSV file (relative: to the config file, or to the working folder on the command line)' },
      testPath: { type: 'string', minLength: 1, description: "a CSV of the test split (relative to path's folder); without it testFraction of the rows are held out" },
      testFraction: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1, default: 0.2, description: 'rows held out as the test split when there is no testPath' },
      label: { type: ['string', 'integer'], description: 'the label column: header name or 0-based index (default: the last column)' },
      header: { type: 'boolean', description: 'whether the first row names the columns (default: detected)' },
      inputShape: { type: 'array', items: { type: 'integer', minimum: 1 }, minItems: 1, maxItems: 3, description: 'the shape the features are read into, channels last' },
      normalize: { enum: ['none', 'standardize'], default: 'none', description: 'none: the numbers as written; standardize: per feature, with the train split\'s mean and std' },
      delimiter: { type: 'string', minLength: 1, maxLength: 1, default: ',' },
      ...splitOptionsSchema,
    },
    required: ['path'],
    additionalProperties: false,
  } as const;

  private prepared?: Promise<Prepared>;

  constructor(@inject(OPTIONS) private readonly options: CsvOptions) {}

  async load(): Promise<DatasetInfo> {
    return (await this.prepare()).info;
  }

  async *batches(split: SplitName, options: BatchOptions): AsyncIterable<Batch> {
    const label = `dataset "csv" (${this.options.path})`;
    checkBatchOptions(options, label);
    const { train, test, splits, shift, scale, info } = await this.prepare();
    const source = split === 'test' ? test : train;
    const order = Int32Array.from(splits[split]);
    if (shouldShuffle(split, options)) new Rng(options.seed, 'order', split, options.epoch).shuffle(order);
    const width = shift.length;
    for (let start = 0; start < order.length; start += options.batchSize) {
      const size = Math.min(options.batchSize, order.length - start);
      if (size < options.batchSize && options.dropRemainder) break;
      const x = new Float32Array(size * width);
      const y = new Float32Array(size * info.numClasses);
      for (let b = 0; b < size; b++) {
        const row = order[start + b];
        for (let f = 0; f < width; f++) x[b * width + f] = (source.features[row * width + f] - shift[f]) * scale[f];
        y[b * info.numClasses + source.labels[row]] = 1;
      }
      yield { x: tf.tensor(x, [size, ...info.inputShape], 'float32'), y: tf.tensor2d(y, [size, info.numClasses], 'float32') };
    }
  }

  private prepare(): Promise<Prepared> {
    this.prepared ??= this.read();
    return this.prepared;
  }

  private readTable(file: string, columns?: string[]): { table: Table; columns: string[] } {
    if (!fs.existsSync(file)) throw new DatasetError(`dataset "csv": no file at ${file}: give "path" (and "testPath") as CSV files of features and a label column`, file);
    const rows = parseCsv(fs.readFileSync(file, 'utf8'), this.options.delimiter, file);
    if (rows.length === 0) throw new DatasetError(`dataset "csv": ${file} holds no rows`, file);
    const width = rows[0].length;
    if (width < 2) throw new DatasetError(`dataset "csv": ${file} has ${width} column(s) per row; it needs features and a label (delimiter "${this.options.delimiter}")`, file);
    const labelColumn = this.labelColumn(rows[0], width, file);
    const hasHeader = this.options.header ?? rows[0].some((field, i) => i !== labelColumn && !isNumber(field));
    const names = hasHeader ? rows[0].map((n) => n.trim()) : rows[0].map((_, i) => `column ${i}`);
    if (columns && hasHeader && names.join() !== columns.join()) {
      throw new DatasetError(`dataset "csv": ${file} has the columns ${names.join(', ')}, the train file ${columns.join(', ')}: the test file needs the same columns`, file);
    }
    const body = hasHeader ? rows.slice(1) : rows;
    const featureCount = width - 1;
    const features = new Float32Array(body.length * featureCount);
    const labels: string[] = [];
    body.forEach((row, r) => {
      const line = r + 1 + (hasHeader ? 1 : 0);
      if (row.length !== width) throw new DatasetError(`dataset "csv": ${file}, row ${line}: ${row.length} fields, the first row has ${width}`, file);
      let f = 0;
      row.forEach((field, c) => {
        if (c === labelColumn) return void labels.push(field.trim());
        if (!isNumber(field)) throw new DatasetError(`dataset "csv": ${file}, row ${line}, column "${names[c]}": "${field}" is not a number`, file);
        features[r * featureCount + f++] = Number(field);
      });
    });
    return { table: { features, labels, rows: body.length }, columns: names };
  }

  private labelColumn(first: string[], width: number, file: string): number {
    const { label } = this.options;
    if (label === undefined) return width - 1;
    if (typeof label === 'number') {
      if (label >= width) throw new DatasetError(`dataset "csv": label column ${label} is past the ${width} columns of ${file} (0-based)`, file);
      return label;
    }
    const index = first.findIndex((name) => name.trim() === label);
    if (index < 0) throw new DatasetError(`dataset "csv": ${file} has no column named "${label}" in its first row (${first.join(', ')})`, file);
    return index;
  }

  private async read(): Promise<Prepared> {
    const { options } = this;
    const file = path.resolve(options.path);
    const { table: all, columns } = this.readTable(file);
    const testTable = options.testPath ? this.readTable(path.resolve(path.dirname(file), options.testPath), columns).table : undefined;
    // Class names: integer labels 0…K−1 stay indices; anything else becomes sorted names.
    const names = [...new Set([...all.labels, ...(testTable?.labels ?? [])])];
    const numeric = names.every((n) => /^\d+$/.test(n));
    const classNames = numeric ? undefined : names.sort();
    const index = (name: string) => (numeric ? Number(name) : classNames!.indexOf(name));
    const numClasses = numeric ? Math.max(...names.map(Number)) + 1 : classNames!.length;
    if (numClasses < 2) throw new DatasetError(`dataset "csv": ${file} has one class ("${names[0]}"): a classifier needs at least 2`, file);
    const featureCount = columns.length - 1;
    const allLabels = Int32Array.from(all.labels, index);
    let train = { features: all.features, labels: allLabels };
    let test: Prepared['test'];
    if (testTable) {
      test = { features: testTable.features, labels: Int32Array.from(testTable.labels, index) };
    } else {
      const held = Math.round(all.rows * options.testFraction);
      if (held < 1 || held >= all.rows) throw new DatasetError(`dataset "csv": testFraction ${options.testFraction} of ${all.rows} rows leaves no test or no train rows: give testPath`, file);
      const { picked, rest } = stratifiedPick(allLabels, Int32Array.from({ length: all.rows }, (_, i) => i), held, numClasses, new Rng(options.seed, 'csv-test'));
      const take = (rows: Int32Array) => ({
        features: Float32Array.from({ length: rows.length * featureCount }, (_, k) => all.features[rows[Math.floor(k / featureCount)] * featureCount + (k % featureCount)]),
        labels: Int32Array.from(rows, (r) => allLabels[r]),
      });
      test = take(picked);
      train = take(rest);
    }
    const inputShape = options.inputShape ?? [featureCount];
    if (inputShape.reduce((a, b) => a * b, 1) !== featureCount) {
      throw new DatasetError(`dataset "csv": inputShape [${inputShape}] holds ${inputShape.reduce((a, b) => a * b, 1)} values, but ${file} has ${featureCount} feature columns`, file);
    }
    const splits = makeSplits(train.labels, test.labels, numClasses, options, `dataset "csv" (${file})`);
    const shift = new Float32Array(featureCount);
    const scale = new Float32Array(featureCount).fill(1);
    if (options.normalize === 'standardize') {
      for (let f = 0; f < featureCount; f++) {
        let sum = 0;
        let squares = 0;
        for (const row of splits.train) {
          const v = train.features[row * featureCount + f];
          sum += v;
          squares += v * v;
        }
        const mean = sum / splits.train.length;
        const std = Math.sqrt(Math.max(0, squares / splits.train.length - mean * mean));
        shift[f] = mean;
        scale[f] = std > 0 ? 1 / std : 1;
      }
    }
    const info: DatasetInfo = {
      inputShape,
      numClasses,
      sizes: { train: splits.train.length, validation: splits.validation.length, test: splits.test.length },
      ...(classNames ? { classNames } : {}),
    };
    return { train, test, splits, shift, scale, info };
  }
}
