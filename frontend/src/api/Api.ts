/** AppInfo describes the running app, as the backend's SystemService.Info returns it. */
export type AppInfo = {
  productName: string;
  version: string;
  dataDir: string;
  /** True once both connections are set up and a sync can run. */
  configured: boolean;
  /** True when the app runs on the built-in demo catalog and simulated Compass site. */
  demo: boolean;
};

/** Api is everything the UI asks of the backend. Rejections carry the backend's message. */
export interface Api {
  getInfo(): Promise<AppInfo>;
}
