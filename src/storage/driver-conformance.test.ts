import { runDriverConformance } from "./driver-conformance.ts";
import { storageBackends } from "./testing/storage-backends.ts";

runDriverConformance(storageBackends);
