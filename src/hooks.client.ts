import { z } from 'zod';

// zod compiles object parsers with `new Function` when it may, and finds out by trying: under the
// Content-Security-Policy (no eval) every page reported a refusal. In the browser it need not try.
z.config({ jitless: true });
