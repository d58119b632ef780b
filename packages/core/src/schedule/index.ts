// The original (unpruned) training schedule and helpers for writing retraining schedules.
export * from './original';
export * from './budget';
export * from './warmup';
