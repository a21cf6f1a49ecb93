import { useCallback, useEffect, useState } from 'react';

import { useApi } from '../api';
import type { AppInfo } from '../api';

/** AppInfoState is what the UI knows about the app at a moment. */
export type AppInfoState =
  { status: 'loading' } | { status: 'error'; message: string } | { status: 'ready'; info: AppInfo };

export type UseAppInfoResult = {
  state: AppInfoState;
  /** retry asks the backend again after an error. */
  retry: () => void;
};

/** useAppInfo loads the app's version, data directory and set-up state from the backend. */
export function useAppInfo(): UseAppInfoResult {
  const api = useApi();
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<AppInfoState>({ status: 'loading' });

  useEffect(() => {
    let current = true;
    api.getInfo().then(
      (info) => {
        if (current) setState({ status: 'ready', info });
      },
      (error: unknown) => {
        if (current) setState({ status: 'error', message: messageOf(error) });
      },
    );
    return () => {
      current = false;
    };
  }, [api, attempt]);

  const retry = useCallback(() => {
    setState({ status: 'loading' });
    setAttempt((n) => n + 1);
  }, []);

  return { state, retry };
}

function messageOf(error: unknown): string {
  if (error instanceof Error && error.message !== '') {
    return error.message;
  }
  return 'The backend did not say what went wrong.';
}
