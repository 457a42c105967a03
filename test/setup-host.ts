// Loaded by mocha before every test file (.mocharc.json "require"): the Eigen emulations use the cache
// sizes the real Eigen reads on this CPU, as the chimera CLI does (see pinEigenCacheSizes).
import { pinEigenCacheSizes } from "@chimera/native";

pinEigenCacheSizes();
