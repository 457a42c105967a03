import { referenceKernel } from "@chimera/kernels";
import { runConformance } from "./suite.js";

runConformance("reference", () => referenceKernel);
