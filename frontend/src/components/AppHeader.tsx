import styles from './AppHeader.module.css';

/** PRODUCT_NAME is the product's name, shown before the backend has answered. */
export const PRODUCT_NAME = 'Backstage Sync for Compass';

/** AppHeader is the bar at the top of the window with the product name. */
export function AppHeader() {
  return (
    <header className={styles.header}>
      <h1 className={styles.title}>{PRODUCT_NAME}</h1>
    </header>
  );
}
