import { exactKernel } from "@chimera/defense";
import { runConformance } from "./suite.js";

runConformance("exact", () => exactKernel);
