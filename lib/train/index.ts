export { fit, evaluate, predict } from './fit';
export type { FitOptions, History, Dataset, Logs, EarlyStopping, EvaluateOptions } from './fit';
export type { MetricName } from './metrics';
