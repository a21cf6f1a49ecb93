import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { ApiProvider } from './api';
import { wailsApi } from './api/wailsApi';
import { App } from './App';
import './styles/global.css';

const root = document.getElementById('root');
if (root === null) {
  throw new Error('index.html has no #root element');
}

createRoot(root).render(
  <StrictMode>
    <ApiProvider api={wailsApi}>
      <App />
    </ApiProvider>
  </StrictMode>,
);
