/**
 * Images kept as uint8 in memory (channels last, HWC, one image after another) with their
 * labels. Float32 is made only per batch, so a 50,000-image CIFAR set costs 150 MB, not 600.
 */
export interface ImageStore {
  /** count × height × width × channels bytes, channels last. */
  images: Uint8Array;
  /** One class index per image. */
  labels: Uint8Array | Uint16Array;
  count: number;
  /** [height, width, channels]. */
  shape: [number, number, number];
  numClasses: number;
}

/** Bytes per image of a store. */
export function imageBytes(store: Pick<ImageStore, 'shape'>): number {
  return store.shape[0] * store.shape[1] * store.shape[2];
}

/** Examples per class (length numClasses), for checks and stratified splits. */
export function classHistogram(labels: ArrayLike<number>, numClasses: number, indices?: ArrayLike<number>): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  const n = indices ? indices.length : labels.length;
  for (let i = 0; i < n; i++) counts[labels[indices ? indices[i] : i]]++;
  return counts;
}

/** Joins stores of the same shape (e.g. CIFAR's five training batch files). */
export function concatStores(stores: ImageStore[]): ImageStore {
  if (stores.length === 1) return stores[0];
  const [first] = stores;
  const count = stores.reduce((sum, s) => sum + s.count, 0);
  const images = new Uint8Array(count * imageBytes(first));
  const labels = first.labels instanceof Uint16Array ? new Uint16Array(count) : new Uint8Array(count);
  let at = 0;
  for (const store of stores) {
    images.set(store.images, at * imageBytes(first));
    labels.set(store.labels, at);
    at += store.count;
  }
  return { images, labels, count, shape: first.shape, numClasses: first.numClasses };
}

/** A new store holding the images at `indices`, in that order. */
export function subsetStore(store: ImageStore, indices: ArrayLike<number>): ImageStore {
  const bytes = imageBytes(store);
  const images = new Uint8Array(indices.length * bytes);
  const labels = new Uint8Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i];
    images.set(store.images.subarray(from * bytes, (from + 1) * bytes), i * bytes);
    labels[i] = store.labels[from];
  }
  return { images, labels, count: indices.length, shape: store.shape, numClasses: store.numClasses };
}
