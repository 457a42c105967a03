export { discoverNativeBackends, resolveLibraryPath, type NativeBackend, type Transport, type CreateOptions } from "./discover.js";
export type { NativeKernel } from "./native-kernel.js";
export type { LibraryReport } from "./addon.js";
export { addonStatus, buildProduct, loadAddon, type NativeAddon } from "./addon.js";
export { controlledEnv, libraryCatalog, type LibraryFile, type VariantDecl, type LoadExpectation } from "./library-catalog.js";
export { backendId, backendVariant } from "./backend-id.js";
export type { WorkerData } from "./worker-ops.js";
export { hardwareFma } from "./hardware-fma.js";
