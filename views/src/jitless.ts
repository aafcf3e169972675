// Views run under a CSP without 'unsafe-eval'. zod probes for eval (new
// Function) when the SDK's schemas are built, as the bundle loads and
// before the App constructor turns zod's JIT off; the host then reports a
// CSP violation. Turning the JIT off first, before those modules run,
// avoids the probe. Import this module before any other.
import { config } from "zod/v4/core";

config({ jitless: true });
