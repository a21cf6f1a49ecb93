export type { Api, AppInfo } from './Api';
export { ApiProvider, useApi } from './ApiContext';
export type { ApiProviderProps } from './ApiContext';
