import { Info } from '../../wailsjs/go/app/SystemService';
import type { Api, AppInfo } from './Api';

/**
 * toError turns a rejection from a Wails binding into an Error. Wails rejects with the Go error's
 * message as a plain string.
 */
export function toError(reason: unknown): Error {
  if (reason instanceof Error) {
    return reason;
  }
  return new Error(typeof reason === 'string' ? reason : 'The backend did not answer');
}

async function call<T>(binding: () => Promise<T>): Promise<T> {
  try {
    return await binding();
  } catch (reason) {
    throw toError(reason);
  }
}

/** wailsApi is the Api of the desktop window: it calls the Go services through Wails. */
export const wailsApi: Api = {
  getInfo: (): Promise<AppInfo> => call(Info),
};
