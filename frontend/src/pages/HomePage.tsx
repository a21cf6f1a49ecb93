import { useId } from 'react';

import type { AppInfo } from '../api';
import { AppHeader } from '../components/AppHeader';
import { useAppInfo } from '../hooks/useAppInfo';
import styles from './HomePage.module.css';

/** HomePage is the first screen: what the app is, where it keeps its data and its set-up state. */
export function HomePage() {
  const { state, retry } = useAppInfo();

  return (
    <>
      <AppHeader />
      <main className={styles.main}>
        {state.status === 'loading' && (
          <p role="status" className={styles.text}>
            Loading app details…
          </p>
        )}
        {state.status === 'error' && <LoadError message={state.message} onRetry={retry} />}
        {state.status === 'ready' && <AppOverview info={state.info} />}
      </main>
    </>
  );
}

type LoadErrorProps = {
  message: string;
  onRetry: () => void;
};

function LoadError({ message, onRetry }: LoadErrorProps) {
  return (
    <div role="alert" className={styles.error}>
      <h2 className={styles.heading}>Could not load app details</h2>
      <p className={styles.text}>{message}</p>
      <button type="button" className={styles.button} onClick={onRetry}>
        Try again
      </button>
    </div>
  );
}

type AppOverviewProps = {
  info: AppInfo;
};

function AppOverview({ info }: AppOverviewProps) {
  const setupId = useId();
  const detailsId = useId();
  const versionId = useId();
  const dataDirId = useId();

  return (
    <>
      {info.demo && (
        <aside aria-label="Demo data" className={styles.demo}>
          <strong>Demo data.</strong> A built-in sample catalog and a simulated Compass site:
          nothing here reaches a real Backstage or Compass.
        </aside>
      )}
      <section aria-labelledby={setupId} className={styles.card}>
        <h2 id={setupId} className={styles.heading}>
          Set-up
          <span className={info.configured ? styles.done : styles.pending}>
            {info.configured ? 'Configured' : 'Not configured yet'}
          </span>
        </h2>
        <p className={styles.text}>
          {info.configured
            ? 'The Backstage catalog and the Compass site are connected.'
            : 'No Backstage catalog or Compass site is connected yet, so nothing is synced.'}
        </p>
      </section>
      <section aria-labelledby={detailsId} className={styles.card}>
        <h2 id={detailsId} className={styles.heading}>
          About this app
        </h2>
        <dl className={styles.details}>
          <dt id={versionId}>Version</dt>
          <dd aria-labelledby={versionId}>{info.version}</dd>
          <dt id={dataDirId}>Data directory</dt>
          <dd aria-labelledby={dataDirId} className={styles.path}>
            {info.dataDir}
          </dd>
        </dl>
      </section>
    </>
  );
}
