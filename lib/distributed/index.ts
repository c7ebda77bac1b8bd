// The distributed namespace: process groups for data-parallel training (fit's processGroup).
export { ProcessGroup, initProcessGroup, processGroupsUnavailable } from './process_group';
export type { ProcessGroupOptions } from './process_group';
