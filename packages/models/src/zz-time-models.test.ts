import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { plugin } from '@prunebench/models';
it('times', async () => {
  await tf.setBackend('cpu');
  for (const M of plugin.models) {
    const t = Date.now();
    const m = new (M as any)({}).build({ inputShape: M.id.startsWith('resnet') && ['resnet18','resnet34','resnet50'].includes(M.id) ? [32, 32, 3] : M.id === 'lenet5' ? [28,28,1] : [16, 16, 3], numClasses: 5, seed: 1 });
    console.log(M.id, Date.now() - t, m.countParams());
    m.dispose();
  }
}, 120000);
