import '@/lib/zod-config'; // first: zod without eval, set before any schema is built
import { runMapperFrame } from '@/lib/ehr/mapper-frame';

// The field mapper, injected into every frame of an EHR tab only when an admin starts it
// (lib/ehr/background.ts startMapper), so the content script every EHR page loads stays small.
export default defineUnlistedScript(() => {
  runMapperFrame(window);
});
