import { HomePage } from './pages/HomePage';

/** App is the root of the UI. */
export function App() {
  return <HomePage />;
}
