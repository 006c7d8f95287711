import '@/lib/zod-config'; // first: zod without eval, set before any schema is built
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Options } from './Options';
import './style.css';

const queryClient = new QueryClient();
const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <Options />
      </QueryClientProvider>
    </StrictMode>,
  );
}
