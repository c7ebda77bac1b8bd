// The distributed namespace: process groups for data-parallel training (fit's processGroup,
// nn.parallel.DistributedDataParallel), and collectives as recorded ops (distributed.nn).
export { ProcessGroup, initProcessGroup, processGroupsUnavailable } from './process_group';
export type { ProcessGroupOptions } from './process_group';
export * as nn from './functional';
