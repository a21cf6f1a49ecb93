import { vi } from 'vitest';

import type { Api, AppInfo } from '../api';

/** sampleInfo is the AppInfo of an installed, not yet configured app. */
export const sampleInfo: AppInfo = {
  productName: 'Backstage Sync for Compass',
  version: 'v1.4.0',
  dataDir: '/home/ada/.config/backstage-sync',
  configured: false,
  demo: false,
};

/** fakeApi returns an Api whose getInfo answers with the given results, one per call. */
export function fakeApi(...results: Array<AppInfo | Error>) {
  const getInfo = vi.fn<Api['getInfo']>();
  for (const result of results) {
    if (result instanceof Error) {
      getInfo.mockRejectedValueOnce(result);
    } else {
      getInfo.mockResolvedValueOnce(result);
    }
  }
  const api: Api = { getInfo };
  return { api, getInfo };
}
