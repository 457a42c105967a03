import { discoverNativeBackends, type NativeKernel } from "@chimera/native";
import { runConformance } from "./suite.js";
import { requireOrSkip } from "../native/require-native.js";

// Every native backend the catalog knows: available ones are started (worker or in-process) and
// held for their suite only; unavailable ones skip with the reason, or fail under CHIMERA_REQUIRE_NATIVE=1.
for (const backend of discoverNativeBackends()) {
  let kernel: NativeKernel | undefined;
  runConformance(backend.id, (ctx) => {
    requireOrSkip(ctx, backend);
    kernel = backend.create();
    return kernel;
  }, () => kernel?.dispose());
}
