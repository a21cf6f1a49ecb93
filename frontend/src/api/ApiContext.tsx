import { createContext, useContext } from 'react';
import type { ReactNode } from 'react';

import type { Api } from './Api';

const ApiContext = createContext<Api | null>(null);

export type ApiProviderProps = {
  api: Api;
  children: ReactNode;
};

/** ApiProvider makes api available to every component below it. */
export function ApiProvider({ api, children }: ApiProviderProps) {
  return <ApiContext value={api}>{children}</ApiContext>;
}

/** useApi returns the Api provided by the nearest ApiProvider. */
export function useApi(): Api {
  const api = useContext(ApiContext);
  if (api === null) {
    throw new Error('useApi needs an ApiProvider above it');
  }
  return api;
}
